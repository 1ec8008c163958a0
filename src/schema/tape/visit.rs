//! The tape's general path: serde_json's own parser driving a visitor that appends to the tape,
//! for every line the fast path does not take (escapes, floats, deep nesting, errors), so its
//! verdict and error are serde_json's.

use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::Number;

use super::{Tag, Tape, Text, copy, locate};

/// Appends one value to the tape. Its visitor methods mirror `Value`'s `Deserialize` impl, so the
/// tape holds exactly what the `Value` would.
pub(super) struct Sink<'t, 'de> {
    pub(super) tape: &'t mut Tape,
    pub(super) input: &'de [u8],
}

impl<'de> DeserializeSeed<'de> for Sink<'_, 'de> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Sink<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<(), E> {
        self.tape.push(if v { Tag::True } else { Tag::False });
        Ok(())
    }

    fn visit_i64<E>(self, v: i64) -> Result<(), E> {
        self.tape.push_number(v.into());
        Ok(())
    }

    fn visit_u64<E>(self, v: u64) -> Result<(), E> {
        self.tape.push_number(v.into());
        Ok(())
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<(), E> {
        let n = <Number as de::Deserialize>::deserialize(de::value::I128Deserializer::<E>::new(v))?;
        self.tape.push_number(n);
        Ok(())
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<(), E> {
        let n = <Number as de::Deserialize>::deserialize(de::value::U128Deserializer::<E>::new(v))?;
        self.tape.push_number(n);
        Ok(())
    }

    fn visit_f64<E>(self, v: f64) -> Result<(), E> {
        // `Value` turns a non-finite float into null; serde_json never produces one from text.
        match Number::from_f64(v) {
            Some(n) => self.tape.push_number(n),
            None => {
                self.tape.push(Tag::Null);
            }
        }
        Ok(())
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<(), E> {
        let text = locate(self.tape, self.input, v);
        self.tape.push_text(text);
        Ok(())
    }

    fn visit_str<E>(self, v: &str) -> Result<(), E> {
        let text = copy(self.tape, v);
        self.tape.push_text(text);
        Ok(())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<(), E> {
        self.visit_str(&v)
    }

    fn visit_none<E>(self) -> Result<(), E> {
        self.tape.push(Tag::Null);
        Ok(())
    }

    fn visit_some<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        self.deserialize(deserializer)
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        self.tape.push(Tag::Null);
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Sink { tape, input } = self;
        let index = tape.push(Tag::Array);
        let mut count = 0u32;
        while seq.next_element_seed(Sink { tape: &mut *tape, input })?.is_some() {
            count += 1;
        }
        tape.close_array(index, count);
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Sink { tape, input } = self;
        let index = tape.push(Tag::Object);
        let base = tape.members.len();
        while let Some(name) = map.next_key_seed(NameSink { tape: &mut *tape, input })? {
            let member = tape.entries.len();
            map.next_value_seed(Sink { tape: &mut *tape, input })?;
            tape.name_member(member, name);
        }
        tape.close_object(index, base, input);
        Ok(())
    }
}

/// Reads a member name, the way `Value` does (`deserialize_str`).
struct NameSink<'t, 'de> {
    tape: &'t mut Tape,
    input: &'de [u8],
}

impl<'de> DeserializeSeed<'de> for NameSink<'_, 'de> {
    type Value = Text;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Text, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for NameSink<'_, 'de> {
    type Value = Text;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string key")
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Text, E> {
        Ok(locate(self.tape, self.input, v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Text, E> {
        Ok(copy(self.tape, v))
    }

    fn visit_string<E>(self, v: String) -> Result<Text, E> {
        Ok(copy(self.tape, &v))
    }
}
