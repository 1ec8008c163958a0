//! The one way a helper of this layer (a background thread, a topic handle) holds on to the
//! librdkafka client it uses: it owns a value that keeps the client alive, so the compiler, not a
//! comment about declaration order, sees that the client outlives the helper.

use std::sync::Arc;

use rdkafka::admin::AdminClient;
use rdkafka::client::{ClientContext, NativeClient};
use rdkafka::consumer::{BaseConsumer, Consumer as _, ConsumerContext};
use rdkafka::producer::{BaseProducer, FutureProducer, Producer as _, ProducerContext};

/// A value that keeps a librdkafka client alive for as long as it is held: a client, an `Arc` of
/// one, or a clone of a producer that shares its client.
pub trait Handle: Send + Sync + 'static {
    /// The client's native handle, live while `self` is.
    fn native(&self) -> &NativeClient;
}

impl<T: Handle> Handle for Arc<T> {
    fn native(&self) -> &NativeClient {
        (**self).native()
    }
}

impl<C: ClientContext + 'static> Handle for AdminClient<C> {
    fn native(&self) -> &NativeClient {
        self.inner().native_client()
    }
}

impl<C: ProducerContext + 'static> Handle for BaseProducer<C> {
    fn native(&self) -> &NativeClient {
        self.client().native_client()
    }
}

/// A clone shares the producer it was made from (rdkafka keeps it in an `Arc`).
impl<C: ClientContext + 'static> Handle for FutureProducer<C> {
    fn native(&self) -> &NativeClient {
        self.client().native_client()
    }
}

impl<C: ConsumerContext + 'static> Handle for BaseConsumer<C> {
    fn native(&self) -> &NativeClient {
        self.client().native_client()
    }
}
