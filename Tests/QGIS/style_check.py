"""Opens a OneMap GeoPackage in headless QGIS (python3-qgis, offscreen) as a user would:
prints the renderer each styled layer gets by default, and the colour QGIS draws at the
point on surface of one red risk area (white background). Usage: style_check.py FILE.gpkg
Prints JSON: {"renderers": {layer: [type, attribute]}, "pixel": [r, g, b], "red_area": id}."""
import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import QgsApplication, QgsMapRendererSequentialJob, QgsMapSettings, QgsRectangle, QgsVectorLayer  # noqa: E402
from qgis.PyQt.QtCore import QSize  # noqa: E402
from qgis.PyQt.QtGui import QColor  # noqa: E402

app = QgsApplication([], False)
app.initQgis()
path = sys.argv[1]
out = {"renderers": {}}
for name in ["risk_areas", "hazards", "shelters", "facilities"]:
    layer = QgsVectorLayer(f"{path}|layername={name}", name, "ogr")
    if not layer.isValid():
        continue
    renderer = layer.renderer()
    attribute = renderer.classAttribute() if hasattr(renderer, "classAttribute") else None
    out["renderers"][name] = [renderer.type(), attribute]
areas = QgsVectorLayer(f"{path}|layername=risk_areas", "risk_areas", "ogr")
red = next(f for f in areas.getFeatures() if f["risk_level"] == 1)
point = red.geometry().pointOnSurface().asPoint()
settings = QgsMapSettings()
settings.setLayers([areas])
settings.setBackgroundColor(QColor(255, 255, 255))
settings.setOutputSize(QSize(41, 41))
d = 0.0002
settings.setExtent(QgsRectangle(point.x() - d, point.y() - d, point.x() + d, point.y() + d))
job = QgsMapRendererSequentialJob(settings)
job.start()
job.waitForFinished()
colour = QColor(job.renderedImage().pixel(20, 20))
out["pixel"] = [colour.red(), colour.green(), colour.blue()]
out["red_area"] = red.id()
print(json.dumps(out), flush=True)
# QGIS 3.22's exitQgis() can crash while tearing down its Python bindings (exit 11);
# the answer is out, so leave without it.
os._exit(0)
