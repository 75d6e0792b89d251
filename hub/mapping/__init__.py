"""The mapping engine: mapping files (`mappings/<target>/*.yaml`) compiled once into fast functions.

catalog = load_catalog()
mapper = catalog.get("pact", "export")
result = mapper.map(zj_document)      # MappingResult(output, lost, approximated, errors)
problems = catalog.validate_output("pact", result.output)
"""

from hub.mapping.catalog import Catalog, Mapper, compile_file, load_catalog
from hub.mapping.errors import MapFailure, MappingFileError
from hub.mapping.result import MappingResult

__all__ = [
    "Catalog",
    "MapFailure",
    "Mapper",
    "MappingFileError",
    "MappingResult",
    "compile_file",
    "load_catalog",
]
