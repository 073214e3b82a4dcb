"""The deliberation package's views (scanned by ``deliberation.includeme``)."""
