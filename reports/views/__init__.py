"""Charter pages, the charters API and the other reports as PDF."""
