"""Importing indicator values from files: CSV and Excel in long or wide shape, and DHIS2
dataValueSets (JSON and CSV). Previews first, then one all-or-nothing commit.

Modules, in the order a file passes through them: ``reading`` (bytes → sheets of cells),
``shapes`` (what the columns mean → one record per value), ``cells`` (one cell: missing markers
and numbers), ``plan`` (look-ups and checks → outcomes), ``writing`` (bulk writes and audit rows),
``services`` (preview, commit, background task), ``messages`` (every Thai message).
"""
