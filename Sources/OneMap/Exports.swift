// The façade re-exports the modules a caller of OneMap needs, so `import OneMap` suffices.
@_exported import OneMapGeometry
@_exported import OneMapStorage
@_exported import OneMapIndex
@_exported import OneMapRisk
@_exported import OneMapTiles
@_exported import OneMapRouting
@_exported import OneMapPlanning
@_exported import OneMapImport
@_exported import OneMapOSM
@_exported import OneMapDefaults
@_exported import OneMapDemo
@_exported import OneMapWork
@_exported import OneMapIncidents
