//! The arguments of `chainsig webhooks`.

use std::net::SocketAddr;

use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub(crate) enum WebhooksCommand {
    /// Subscribe a callback URL to event types (PUT /webhooks); prints the subscription as JSON.
    #[command(
        after_help = "Examples:\n  chainsig webhooks register --url http://127.0.0.1:8412/ --types customer.updated,account.updated\n  chainsig webhooks register --id 3f0c… --url http://127.0.0.1:8413/ --types account.updated\n\nDocumented types: customer.updated, account.updated, card.updated, authorisation.updated,\ntransaction.updated. `chainsig sandbox` delivers the first two, to loopback URLs only."
    )]
    Register {
        /// Where the events are POSTed.
        #[arg(long, value_name = "URL")]
        url: String,
        /// Event types, comma-separated.
        #[arg(long, value_name = "TYPES", value_delimiter = ',', required = true)]
        types: Vec<String>,
        /// Update this subscription instead of creating one.
        #[arg(long, value_name = "ID")]
        id: Option<String>,
    },
    /// Receive events: serves POST on --listen and prints each new event as one JSON line
    /// (redeliveries of an eventId are answered 200 and not printed again). Runs until Ctrl-C.
    #[command(
        after_help = "Examples:\n  chainsig webhooks listen --listen 127.0.0.1:8412\n  chainsig webhooks listen --listen 127.0.0.1:0 --count 5\n\nOn start it prints {\"listening\": \"http://ADDR/PATH\"} on stderr. Bodies that are no event\nget 400, bodies over 64 KiB 413. OffBlocks does not document webhook signing: nothing is\nverified, so listen on a private address."
    )]
    Listen {
        /// Address to listen on (port 0: a free one, named on stderr).
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8412")]
        listen: SocketAddr,
        /// Path events are POSTed to.
        #[arg(long, value_name = "PATH", default_value = "/")]
        path: String,
        /// Exit after printing this many events.
        #[arg(long, value_name = "N")]
        count: Option<u64>,
    },
}
