"""Edits one feature of a GeoPackage, or of a PostGIS table, through QGIS's OGR data
provider, as a QGIS user saving an edit does (headless: python3-qgis, offscreen).
Usage: edit_feature.py FILE.gpkg LAYER ID FIELD VALUE   (VALUE as text; QGIS converts it)
       edit_feature.py "PG:host=… port=… user=… dbname=…" LAYER ID FIELD VALUE
(QGIS 3.22's native postgres provider crashes headless here as it opens a layer, so a
database is opened through OGR's PostgreSQL driver, as QGIS's "Add vector layer" does.)"""
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import QgsApplication, QgsVectorLayer  # noqa: E402

app = QgsApplication([], False)
app.initQgis()
path, name, fid_text, field, value = sys.argv[1:6]
layer = QgsVectorLayer(f"{path}|layername={name}", name, "ogr")
assert layer.isValid(), f"cannot open {name}"
matches = [f for f in layer.getFeatures() if f["id"] == fid_text]
assert len(matches) == 1, f"{len(matches)} features with id {fid_text}"
index = layer.fields().indexOf(field)
assert index >= 0, f"no field {field}"
layer.startEditing()
assert layer.changeAttributeValue(matches[0].id(), index, value), "change refused"
assert layer.commitChanges(), f"commit failed: {layer.commitErrors()}"
print("committed", flush=True)
os._exit(0)  # QGIS 3.22 may crash tearing down its bindings after the answer
