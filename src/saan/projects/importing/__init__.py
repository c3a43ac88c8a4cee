"""The spreadsheet importer of the work register: XLSX and CSV files as agencies send them.

``read`` opens the file, ``columns`` finds the header and what each column holds, ``values``
reads cells, ``places`` turns place names into area codes, ``rows`` turns a row into project
data, and ``plan`` previews and commits. ``import_file`` does it all in one call.
"""

from saan.projects.importing.plan import ImportResult, Plan, RowResult, import_file
from saan.projects.importing.read import ImportFileError

__all__ = ["ImportFileError", "ImportResult", "Plan", "RowResult", "import_file"]
