//! Search text rules shared by the indexer and the query side: folding
//! text to tokens, parsing what a person typed, rendering it for the two
//! engines, and the highlighted snippet of a hit.

pub mod fold;
mod highlight;
pub mod query;
mod stop_words;
pub mod suggest;

pub use fold::{fold, words};
pub use highlight::{Segment, Snippet, snippet};
pub use query::{Mark, NumberRef, Query, QueryError, Term, parse, to_fts5, to_tsquery};
pub use stop_words::is_stop_word;
pub use suggest::{Suggest, words_of};
