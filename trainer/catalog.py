"""The code catalog: every CPT, HCPCS Level II, ICD-10-CM code and modifier the app knows.

(Filled in by the catalog work; the store applies MIGRATIONS after its own.)
"""

from __future__ import annotations

from sqlite_utils.migrations import Migrations

MIGRATIONS = Migrations("catalog")
