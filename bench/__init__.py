"""Load generator and baselines for Bredvid's real-time path (``make bench``)."""
