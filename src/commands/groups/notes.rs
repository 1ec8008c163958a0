//! A lag snapshot's notes (debug lines, warnings) printed before its groups are shown.

use crate::app::App;
use crate::kafka::lag::Snapshot;

/// What a snapshot had to say on the way, printed; then the snapshot.
pub(super) fn notes(app: &App, snap: Snapshot) -> Snapshot {
    app.ui.notes(&snap.debug, &snap.warnings);
    snap
}
