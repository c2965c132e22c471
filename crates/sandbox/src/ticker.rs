//! The webhooks' ticker: applies time-driven transitions while someone is subscribed, so that their
//! events go out even when nobody reads the record.

use std::sync::Weak;

use crate::state::App;

/// Every `tick`, while at least one subscription exists, applies the transitions that are due
/// (only the records waiting for one are looked at). Ends when the sandbox is dropped.
pub(crate) fn spawn_ticker(app: Weak<App>) {
    tokio::spawn(async move {
        loop {
            let tick = match app.upgrade() {
                Some(app) => app.webhooks.config.tick,
                None => return,
            };
            tokio::time::sleep(tick).await;
            let Some(app) = app.upgrade() else { return };
            if app.webhooks.active() {
                let now = app.clock.now();
                app.store().apply_due(now);
            }
        }
    });
}
