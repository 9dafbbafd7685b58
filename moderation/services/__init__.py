"""Every state change of moderation, each one written to the audit log."""
