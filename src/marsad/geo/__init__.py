"""Geoparsing: a gazetteer over several sources, toponym recognition, ranking and admin lookup.

Public interface:

* :func:`marsad.geo.index.current_index` — the merged, disk-cached gazetteer index;
* :class:`marsad.geo.geocoder.Geocoder` — ``geocode(nt, tokens, entities, outlet) -> [Toponym]``;
* :mod:`marsad.geo.importer` — ``import_file``, ``list_gazetteers``, ``remove_gazetteer``;
* the pipeline stage ``geo`` and :func:`marsad.stages.geo.event_location`.
"""
