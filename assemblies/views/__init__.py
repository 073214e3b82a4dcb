"""Pages and JSON API of the assemblies (scanned by ``assemblies.includeme``)."""
