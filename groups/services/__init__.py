"""Every state change of groups and meetups, split by sub-domain."""
