"""The synthetic city of ``partnerstate demo-city``: a whole city sized from its residents.

:mod:`.plan` says how many of everything a city of N residents holds (pure);
:mod:`.build` makes them through the packages' services, in batches. Like
``partnerstate.demo`` this belongs to the composition root: :mod:`.build` uses every
feature package's services, so only the command line imports it (importing
``partnerstate`` or this package imports no feature package).
"""
