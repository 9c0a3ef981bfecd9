-- The GeoPackage a wave-1 OneMap wrote (before the change log, commit a022491): the
-- GeoPackage 1.2 core tables, the six layers with their R-trees and triggers, and the
-- risk map versions; no onemap_metadata table (OneMap schema version 1). The layer and
-- risk tables' DDL has not changed since, so this is written from the current code's
-- output with the later tables left out. Tests build a wave-1 file from it (sqlite3),
-- add features with GDAL (which has the ST_* functions the triggers call), and open it.
PRAGMA application_id = 1196444487;
PRAGMA user_version = 10200;
CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
  description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
CREATE TABLE gpkg_extensions (
  table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL, definition TEXT NOT NULL,
  scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));
CREATE TABLE admin_units (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom MULTIPOLYGON NOT NULL, id TEXT NOT NULL UNIQUE, name TEXT, code TEXT, level TEXT, parent_code TEXT, population INTEGER, properties TEXT);
CREATE VIRTUAL TABLE rtree_admin_units_geom USING rtree(id, minx, maxx, miny, maxy);
CREATE TABLE grids (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom MULTIPOLYGON NOT NULL, id TEXT NOT NULL UNIQUE, name TEXT, code TEXT, community TEXT, subdistrict TEXT, population INTEGER, grid_worker TEXT, properties TEXT);
CREATE VIRTUAL TABLE rtree_grids_geom USING rtree(id, minx, maxx, miny, maxy);
CREATE TABLE hazards (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom GEOMETRY NOT NULL, id TEXT NOT NULL UNIQUE, name TEXT, kind TEXT, subkind TEXT, level INTEGER, major_hazard_grade INTEGER, impact_distance_m REAL, status TEXT, reported_by TEXT, reported_at TEXT, grid_code TEXT, lec_l REAL, lec_e REAL, lec_c REAL, matrix_l INTEGER, matrix_s INTEGER, properties TEXT);
CREATE VIRTUAL TABLE rtree_hazards_geom USING rtree(id, minx, maxx, miny, maxy);
CREATE TABLE shelters (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom GEOMETRY NOT NULL, id TEXT NOT NULL UNIQUE, name TEXT, shelter_class TEXT, shelter_kind TEXT, host_type TEXT, capacity INTEGER, effective_area_m2 REAL, occupancy INTEGER, exits INTEGER, status TEXT, properties TEXT);
CREATE VIRTUAL TABLE rtree_shelters_geom USING rtree(id, minx, maxx, miny, maxy);
CREATE TABLE facilities (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom POINT NOT NULL, id TEXT NOT NULL UNIQUE, name TEXT, kind TEXT, facility_class TEXT, capacity INTEGER, headcount INTEGER, specialism TEXT, status TEXT, properties TEXT);
CREATE VIRTUAL TABLE rtree_facilities_geom USING rtree(id, minx, maxx, miny, maxy);
CREATE TABLE roads (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom LINESTRING NOT NULL, id TEXT NOT NULL UNIQUE, name TEXT, road_class TEXT, maxspeed_kmh REAL, oneway INTEGER, lanes INTEGER, properties TEXT);
CREATE VIRTUAL TABLE rtree_roads_geom USING rtree(id, minx, maxx, miny, maxy);
CREATE TABLE risk_versions (fid INTEGER PRIMARY KEY AUTOINCREMENT, version INTEGER NOT NULL UNIQUE, created_at TEXT NOT NULL, unit TEXT NOT NULL, area_rule TEXT NOT NULL, rules TEXT NOT NULL, inputs TEXT NOT NULL, note TEXT);
CREATE TABLE risk_areas (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom MULTIPOLYGON NOT NULL, version INTEGER NOT NULL, area_id TEXT NOT NULL, unit TEXT NOT NULL, name TEXT, subdistrict TEXT, population INTEGER, area_km2 REAL, risk_level INTEGER, level_name TEXT, colour TEXT, colour_hex TEXT, score REAL, source_count INTEGER NOT NULL, reason_sources TEXT, reasons TEXT NOT NULL);
CREATE VIRTUAL TABLE rtree_risk_areas_geom USING rtree(id, minx, maxx, miny, maxy);
CREATE INDEX risk_areas_idx0 ON risk_areas (version, area_id);
CREATE TRIGGER rtree_admin_units_geom_update1 AFTER UPDATE OF geom ON admin_units WHEN OLD.fid = NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN INSERT OR REPLACE INTO rtree_admin_units_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)); END;
CREATE TRIGGER rtree_admin_units_geom_update2 AFTER UPDATE OF geom ON admin_units WHEN OLD.fid = NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN DELETE FROM rtree_admin_units_geom WHERE id = OLD.fid; END;
CREATE TRIGGER rtree_admin_units_geom_update3 AFTER UPDATE ON admin_units WHEN OLD.fid != NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN DELETE FROM rtree_admin_units_geom WHERE id = OLD.fid; INSERT OR REPLACE INTO rtree_admin_units_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)); END;
CREATE TRIGGER rtree_admin_units_geom_update4 AFTER UPDATE ON admin_units WHEN OLD.fid != NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN DELETE FROM rtree_admin_units_geom WHERE id IN (OLD.fid, NEW.fid); END;
CREATE TRIGGER rtree_admin_units_geom_delete AFTER DELETE ON admin_units WHEN old.geom NOT NULL
BEGIN DELETE FROM rtree_admin_units_geom WHERE id = OLD.fid; END;
CREATE TRIGGER rtree_admin_units_geom_insert AFTER INSERT ON admin_units WHEN (new.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN INSERT OR REPLACE INTO rtree_admin_units_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)); END;
CREATE TRIGGER rtree_grids_geom_update1 AFTER UPDATE OF geom ON grids WHEN OLD.fid = NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN INSERT OR REPLACE INTO rtree_grids_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)); END;
CREATE TRIGGER rtree_grids_geom_update2 AFTER UPDATE OF geom ON grids WHEN OLD.fid = NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN DELETE FROM rtree_grids_geom WHERE id = OLD.fid; END;
CREATE TRIGGER rtree_grids_geom_update3 AFTER UPDATE ON grids WHEN OLD.fid != NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN DELETE FROM rtree_grids_geom WHERE id = OLD.fid; INSERT OR REPLACE INTO rtree_grids_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)); END;
CREATE TRIGGER rtree_grids_geom_update4 AFTER UPDATE ON grids WHEN OLD.fid != NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN DELETE FROM rtree_grids_geom WHERE id IN (OLD.fid, NEW.fid); END;
CREATE TRIGGER rtree_grids_geom_delete AFTER DELETE ON grids WHEN old.geom NOT NULL
BEGIN DELETE FROM rtree_grids_geom WHERE id = OLD.fid; END;
CREATE TRIGGER rtree_hazards_geom_update1 AFTER UPDATE OF geom ON hazards WHEN OLD.fid = NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN INSERT OR REPLACE INTO rtree_hazards_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)); END;
CREATE TRIGGER rtree_hazards_geom_update2 AFTER UPDATE OF geom ON hazards WHEN OLD.fid = NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN DELETE FROM rtree_hazards_geom WHERE id = OLD.fid; END;
CREATE TRIGGER rtree_hazards_geom_update3 AFTER UPDATE ON hazards WHEN OLD.fid != NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN DELETE FROM rtree_hazards_geom WHERE id = OLD.fid; INSERT OR REPLACE INTO rtree_hazards_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)); END;
CREATE TRIGGER rtree_hazards_geom_update4 AFTER UPDATE ON hazards WHEN OLD.fid != NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN DELETE FROM rtree_hazards_geom WHERE id IN (OLD.fid, NEW.fid); END;
CREATE TRIGGER rtree_hazards_geom_delete AFTER DELETE ON hazards WHEN old.geom NOT NULL
BEGIN DELETE FROM rtree_hazards_geom WHERE id = OLD.fid; END;
CREATE TRIGGER rtree_shelters_geom_update1 AFTER UPDATE OF geom ON shelters WHEN OLD.fid = NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN INSERT OR REPLACE INTO rtree_shelters_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)); END;
CREATE TRIGGER rtree_shelters_geom_update2 AFTER UPDATE OF geom ON shelters WHEN OLD.fid = NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN DELETE FROM rtree_shelters_geom WHERE id = OLD.fid; END;
CREATE TRIGGER rtree_shelters_geom_update3 AFTER UPDATE ON shelters WHEN OLD.fid != NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN DELETE FROM rtree_shelters_geom WHERE id = OLD.fid; INSERT OR REPLACE INTO rtree_shelters_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)); END;
CREATE TRIGGER rtree_shelters_geom_update4 AFTER UPDATE ON shelters WHEN OLD.fid != NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN DELETE FROM rtree_shelters_geom WHERE id IN (OLD.fid, NEW.fid); END;
CREATE TRIGGER rtree_shelters_geom_delete AFTER DELETE ON shelters WHEN old.geom NOT NULL
BEGIN DELETE FROM rtree_shelters_geom WHERE id = OLD.fid; END;
CREATE TRIGGER rtree_facilities_geom_update1 AFTER UPDATE OF geom ON facilities WHEN OLD.fid = NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN INSERT OR REPLACE INTO rtree_facilities_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)); END;
CREATE TRIGGER rtree_facilities_geom_update2 AFTER UPDATE OF geom ON facilities WHEN OLD.fid = NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN DELETE FROM rtree_facilities_geom WHERE id = OLD.fid; END;
CREATE TRIGGER rtree_facilities_geom_update3 AFTER UPDATE ON facilities WHEN OLD.fid != NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN DELETE FROM rtree_facilities_geom WHERE id = OLD.fid; INSERT OR REPLACE INTO rtree_facilities_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)); END;
CREATE TRIGGER rtree_facilities_geom_update4 AFTER UPDATE ON facilities WHEN OLD.fid != NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN DELETE FROM rtree_facilities_geom WHERE id IN (OLD.fid, NEW.fid); END;
CREATE TRIGGER rtree_facilities_geom_delete AFTER DELETE ON facilities WHEN old.geom NOT NULL
BEGIN DELETE FROM rtree_facilities_geom WHERE id = OLD.fid; END;
CREATE TRIGGER rtree_roads_geom_update1 AFTER UPDATE OF geom ON roads WHEN OLD.fid = NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN INSERT OR REPLACE INTO rtree_roads_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)); END;
CREATE TRIGGER rtree_roads_geom_update2 AFTER UPDATE OF geom ON roads WHEN OLD.fid = NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN DELETE FROM rtree_roads_geom WHERE id = OLD.fid; END;
CREATE TRIGGER rtree_roads_geom_update3 AFTER UPDATE ON roads WHEN OLD.fid != NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN DELETE FROM rtree_roads_geom WHERE id = OLD.fid; INSERT OR REPLACE INTO rtree_roads_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)); END;
CREATE TRIGGER rtree_roads_geom_update4 AFTER UPDATE ON roads WHEN OLD.fid != NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN DELETE FROM rtree_roads_geom WHERE id IN (OLD.fid, NEW.fid); END;
CREATE TRIGGER rtree_roads_geom_delete AFTER DELETE ON roads WHEN old.geom NOT NULL
BEGIN DELETE FROM rtree_roads_geom WHERE id = OLD.fid; END;
CREATE TRIGGER rtree_roads_geom_insert AFTER INSERT ON roads WHEN (new.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN INSERT OR REPLACE INTO rtree_roads_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)); END;
CREATE TRIGGER rtree_shelters_geom_insert AFTER INSERT ON shelters WHEN (new.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN INSERT OR REPLACE INTO rtree_shelters_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)); END;
CREATE TRIGGER rtree_hazards_geom_insert AFTER INSERT ON hazards WHEN (new.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN INSERT OR REPLACE INTO rtree_hazards_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)); END;
CREATE TRIGGER rtree_grids_geom_insert AFTER INSERT ON grids WHEN (new.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN INSERT OR REPLACE INTO rtree_grids_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)); END;
CREATE TRIGGER rtree_facilities_geom_insert AFTER INSERT ON facilities WHEN (new.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN INSERT OR REPLACE INTO rtree_facilities_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)); END;
CREATE TRIGGER rtree_risk_areas_geom_insert AFTER INSERT ON risk_areas WHEN (new.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN INSERT OR REPLACE INTO rtree_risk_areas_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)); END;
CREATE TRIGGER rtree_risk_areas_geom_update1 AFTER UPDATE OF geom ON risk_areas WHEN OLD.fid = NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN INSERT OR REPLACE INTO rtree_risk_areas_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)); END;
CREATE TRIGGER rtree_risk_areas_geom_update2 AFTER UPDATE OF geom ON risk_areas WHEN OLD.fid = NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN DELETE FROM rtree_risk_areas_geom WHERE id = OLD.fid; END;
CREATE TRIGGER rtree_risk_areas_geom_update3 AFTER UPDATE ON risk_areas WHEN OLD.fid != NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN DELETE FROM rtree_risk_areas_geom WHERE id = OLD.fid; INSERT OR REPLACE INTO rtree_risk_areas_geom VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)); END;
CREATE TRIGGER rtree_risk_areas_geom_update4 AFTER UPDATE ON risk_areas WHEN OLD.fid != NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN DELETE FROM rtree_risk_areas_geom WHERE id IN (OLD.fid, NEW.fid); END;
CREATE TRIGGER rtree_risk_areas_geom_delete AFTER DELETE ON risk_areas WHEN old.geom NOT NULL
BEGIN DELETE FROM rtree_risk_areas_geom WHERE id = OLD.fid; END;
INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined cartesian SRS',-1,'NONE',-1,'undefined','undefined cartesian coordinate reference system');
INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined geographic SRS',0,'NONE',0,'undefined','undefined geographic coordinate reference system');
INSERT INTO gpkg_spatial_ref_sys VALUES ('WGS 84 geodetic',4326,'EPSG',4326,'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]','longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid');
INSERT INTO gpkg_contents VALUES ('admin_units','features','admin_units','Administrative units','2026-12-03T11:59:13.592Z',109.60314238937333,39.51333466364015,110.02741517237583,39.759444813644315,4326);
INSERT INTO gpkg_contents VALUES ('grids','features','grids','Grid cells (网格)','2026-12-03T11:59:13.612Z',109.60314238937333,39.51333466364015,110.02741517237583,39.759444813644315,4326);
INSERT INTO gpkg_contents VALUES ('hazards','features','hazards','Hazards and risk sources','2026-12-03T11:59:13.611Z',109.61764456327703,39.52024951677225,110.02692227438934,39.755836628411025,4326);
INSERT INTO gpkg_contents VALUES ('shelters','features','shelters','Emergency shelters (应急避难场所)','2026-12-03T11:59:13.609Z',109.68206015557764,39.63439945362829,109.89943586389951,39.71759023516908,4326);
INSERT INTO gpkg_contents VALUES ('facilities','features','facilities','Facilities: fire stations, depots, hospitals, rescue teams, schools','2026-12-03T11:59:13.612Z',109.60655450637982,39.56726871415731,110.00643767629134,39.72847383887576,4326);
INSERT INTO gpkg_contents VALUES ('roads','features','roads','Roads','2026-12-03T11:59:13.609Z',109.61772331321473,39.5291611689669,110.02015681123716,39.75525410220618,4326);
INSERT INTO gpkg_contents VALUES ('risk_versions','attributes','risk_versions','Versions of the four-colour risk map','2026-12-03T11:59:23.108Z',NULL,NULL,NULL,NULL,NULL);
INSERT INTO gpkg_contents VALUES ('risk_areas','features','risk_areas','Four-colour risk map (四色安全风险分布图), every version','2026-12-03T11:59:23.118Z',109.60314178466797,39.513328552246094,110.02742767333984,39.75944519042969,4326);
INSERT INTO gpkg_geometry_columns VALUES ('admin_units','geom','MULTIPOLYGON',4326,0,0);
INSERT INTO gpkg_geometry_columns VALUES ('grids','geom','MULTIPOLYGON',4326,0,0);
INSERT INTO gpkg_geometry_columns VALUES ('hazards','geom','GEOMETRY',4326,0,0);
INSERT INTO gpkg_geometry_columns VALUES ('shelters','geom','GEOMETRY',4326,0,0);
INSERT INTO gpkg_geometry_columns VALUES ('facilities','geom','POINT',4326,0,0);
INSERT INTO gpkg_geometry_columns VALUES ('roads','geom','LINESTRING',4326,0,0);
INSERT INTO gpkg_geometry_columns VALUES ('risk_areas','geom','MULTIPOLYGON',4326,0,0);
INSERT INTO gpkg_extensions VALUES ('admin_units','geom','gpkg_rtree_index','http://www.geopackage.org/spec120/#extension_rtree','write-only');
INSERT INTO gpkg_extensions VALUES ('grids','geom','gpkg_rtree_index','http://www.geopackage.org/spec120/#extension_rtree','write-only');
INSERT INTO gpkg_extensions VALUES ('hazards','geom','gpkg_rtree_index','http://www.geopackage.org/spec120/#extension_rtree','write-only');
INSERT INTO gpkg_extensions VALUES ('shelters','geom','gpkg_rtree_index','http://www.geopackage.org/spec120/#extension_rtree','write-only');
INSERT INTO gpkg_extensions VALUES ('facilities','geom','gpkg_rtree_index','http://www.geopackage.org/spec120/#extension_rtree','write-only');
INSERT INTO gpkg_extensions VALUES ('roads','geom','gpkg_rtree_index','http://www.geopackage.org/spec120/#extension_rtree','write-only');
INSERT INTO gpkg_extensions VALUES ('risk_areas','geom','gpkg_rtree_index','http://www.geopackage.org/spec120/#extension_rtree','write-only');
