"""The core's pages and API views (scanned by the app factory)."""
