"""Where an officer-level delivery's files go and what they are called.

A delivery is one state's reports of one date, in `officers/<state>_<YYYY-MM-DD>/` under the
raw folder, the folder name being the contract's. Written as ZIPs, it is
`reports_synthetic.zip`, `reports_synthetic (1).zip`, ... (any names are allowed; these say
synthetic, as a browser names repeated downloads); as bare CSVs, the portal's CSV names.
"""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from synth.officer_people import Organisation
from synth.officer_vocabulary import USER_REPORT

ZIP_NAME = "reports_synthetic{suffix}.zip"


@dataclass(frozen=True)
class Delivery:
    """Where and how one state's report of one date is written."""

    organisation: Organisation
    report_date: dt.date
    moment: dt.datetime  # when iGOT generated the report
    folder: Path  # <raw>/officers/<state>_<date>
    raw: Path
    zips: int  # 0 = bare CSVs
    password: str
    seed: int

    @property
    def state(self):
        return self.organisation.state

    def relative(self, name: str) -> str:
        return (self.folder / name).relative_to(self.raw).as_posix()

    def file_of(self, part: int) -> tuple[str, str | None]:
        """(source_file, source_member) of a part's user report; the member names the CSV."""
        if not self.zips:
            return self.relative(USER_REPORT), None
        return self.relative(ZIP_NAME.format(suffix=f" ({part})" if part else "")), USER_REPORT
