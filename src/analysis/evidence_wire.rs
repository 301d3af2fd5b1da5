//! How evidence held by the analysis (stall and health evidence) is written when the
//! analysis is cached for the next start.
//!
//! The store's codec is compact and not self-describing, so it cannot read back the signals'
//! tagged form (`{"type": "in_status", ...}`): each signal is written as its JSON text
//! instead, beside the plain numbers. Use as `#[serde(with = "evidence_wire")]`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::domain::{Evidence, Unit};

type Wire = (String, f64, Option<f64>, Unit);

pub fn serialize<S: Serializer>(evidence: &[Evidence], s: S) -> Result<S::Ok, S::Error> {
    let wire = evidence
        .iter()
        .map(|e| {
            let signal = serde_json::to_string(&e.signal).map_err(serde::ser::Error::custom)?;
            Ok((signal, e.value, e.baseline, e.unit))
        })
        .collect::<Result<Vec<Wire>, S::Error>>()?;
    wire.serialize(s)
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Evidence>, D::Error> {
    Vec::<Wire>::deserialize(d)?
        .into_iter()
        .map(|(signal, value, baseline, unit)| {
            Ok(Evidence {
                signal: serde_json::from_str(&signal).map_err(serde::de::Error::custom)?,
                value,
                baseline,
                unit,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::domain::{Evidence, Signal, Unit};
    use serde::{Deserialize, Serialize};

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Held {
        #[serde(with = "super")]
        evidence: Vec<Evidence>,
    }

    #[test]
    fn tagged_signals_survive_the_compact_codec() {
        let held = Held {
            evidence: vec![Evidence {
                signal: Signal::InStatus {
                    status: "In Review".into(),
                },
                value: 9.5,
                baseline: Some(3.0),
                unit: Unit::Days,
            }],
        };
        let bytes = postcard::to_stdvec(&held).expect("encode");
        assert_eq!(postcard::from_bytes::<Held>(&bytes).expect("decode"), held);
    }
}
