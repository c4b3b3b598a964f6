//! The keys each YAML record type accepts, read from serde's own field lists, so that a test can
//! check every one is documented (docs/reference.md).

use crate::parse::raw::*;

/// Every record type's keys. Nested records are listed separately.
pub fn accepted_keys() -> Vec<(&'static str, Vec<&'static str>)> {
    use introspect::fields;
    vec![
        ("site.yaml", fields::<RawConfig>()),
        ("menu item", fields::<RawMenuItem>()),
        ("external", fields::<RawExternal>()),
        ("page", fields::<RawPage>()),
        ("source", fields::<RawSource>()),
        ("person", fields::<RawPerson>()),
        ("findings file", fields::<RawFindingsFile>()),
        ("finding", fields::<RawFinding>()),
        ("value", fields::<RawValue>()),
        ("stance", fields::<RawStance>()),
        ("withdrawn", fields::<RawWithdrawn>()),
        ("claim", fields::<RawClaim>()),
        ("topic", fields::<RawTopic>()),
        ("gap", fields::<RawGap>()),
        ("table", fields::<RawTable>()),
        ("table row", fields::<RawTableRow>()),
        ("dataset", fields::<RawDataset>()),
        ("dataset field", fields::<RawField>()),
        ("glossary file", fields::<RawGlossary>()),
        ("glossary term", fields::<RawGlossaryTerm>()),
        ("scope file", fields::<RawScope>()),
        ("scope note", fields::<RawScopeNote>()),
        ("plural forms", fields::<RawPlural>()),
    ]
}

/// A deserializer that answers nothing but records the field names a struct asks for.
mod introspect {
    use serde::de::{self, Deserialize, Deserializer, Visitor};
    use std::cell::Cell;
    use std::fmt;

    #[derive(Debug)]
    struct Stop;
    impl fmt::Display for Stop {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("introspection")
        }
    }
    impl std::error::Error for Stop {}
    impl de::Error for Stop {
        fn custom<T: fmt::Display>(_: T) -> Self {
            Stop
        }
    }

    struct Fields<'a>(&'a Cell<&'static [&'static str]>);

    impl<'de> Deserializer<'de> for Fields<'_> {
        type Error = Stop;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
            Err(Stop)
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Stop> {
            self.0.set(fields);
            Err(Stop)
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
            ignored_any
        }
    }

    pub fn fields<T: for<'de> Deserialize<'de>>() -> Vec<&'static str> {
        let cell = Cell::new(&[][..]);
        let _ = T::deserialize(Fields(&cell));
        cell.get().to_vec()
    }
}
