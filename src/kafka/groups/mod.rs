//! Consumer groups through librdkafka's C API: listing and describing groups ([`list`]),
//! reading a group's committed offsets without joining it ([`committed`]), and changing a group
//! from outside it: moving its offsets, deleting them, deleting the group ([`alter`]).
//!
//! rdkafka 0.39 wraps `rd_kafka_list_groups` but panics on a name that is not UTF-8 and leaves the
//! member assignment undecoded, and it does not wrap `rd_kafka_ListConsumerGroupOffsets` at all,
//! which is the only way to learn *which* partitions a group without members has committed
//! (OffsetFetch with a null topic list), nor AlterConsumerGroupOffsets and
//! DeleteConsumerGroupOffsets. Its DeleteGroups runs on an admin client, and every request to a
//! group coordinator goes through a consumer handle here (see [`committed_many`]), so that one is
//! wrapped too. They are small safe functions that return owned data; every librdkafka object is
//! freed on every path by an RAII guard, and each call borrows the client it runs on, so the
//! compiler sees that the client outlives it.

mod alter;
mod assignment;
mod bounded;
mod committed;
mod list;
mod model;
mod streams;

pub use alter::{alter_offsets, delete_group, delete_offsets};
pub use assignment::decode_assignment;
pub use committed::committed_many;
pub use list::list;
pub use model::{CANNOT_DESCRIBE, Committed, GROUP_NOT_FOUND, Group, GroupOffsets, GroupRequest, Member};
pub use model::{NO_ADMIN_API, PartitionOutcome, SHARE_OR_STREAMS};
