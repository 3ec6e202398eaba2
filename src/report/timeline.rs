//! A resource's charges by time bucket, as the HTML report draws them: the value
//! `reconcile::series` fills while lines are counted and `report::html` renders. Only `-f html`
//! asks for it, so no other format carries or serializes it.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

/// Which side of the deletion a charge falls on, with the lag rules of `reconcile::verdict` (the picture and
/// the verdict come from the same classification, so they cannot disagree).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// Usage before the deletion.
    Before,
    /// The settlement tail: usage that began before the deletion and ends after it.
    Tail,
    /// A charge for usage at or after the deletion (plus grace): what makes `still_billing`.
    After,
    /// Money back (a negative amount, a refund or credit line), before or after the deletion,
    /// net of the unsubscription fees that come with it.
    Refund,
}

impl Class {
    pub const ALL: [Class; 4] = [Class::Before, Class::Tail, Class::After, Class::Refund];

    pub fn index(self) -> usize {
        self as usize
    }

    /// The words a reader sees in a legend and a hover title.
    pub fn label(self) -> &'static str {
        match self {
            Class::Before => "before deletion",
            Class::Tail => "settlement tail",
            Class::After => "after deletion",
            Class::Refund => "refund",
        }
    }
}

/// One class's share of a bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub class: Class,
    /// The exact sum of the lines' amounts (negative for refunds).
    pub amount: Decimal,
    pub lines: u64,
}

/// One bucket that holds at least one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// The classes present, in [`Class`] order.
    pub parts: Vec<Part>,
}

/// The bars of one currency (amounts of two currencies are never drawn on one axis).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrencySeries {
    pub currency: String,
    /// Ordered by time; buckets without lines are left out.
    pub bars: Vec<Bar>,
}

/// A resource's lines by bucket, per currency; all currencies share one bucket width.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeline {
    /// Width of a bucket: an hour, or coarser for long spans or daily exports.
    pub bucket_seconds: i64,
    pub currencies: Vec<CurrencySeries>,
}
