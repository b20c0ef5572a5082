//! The keyword prefilter: one automaton that finds every rule keyword (ASCII case-insensitive)
//! in a text, so that a rule's regex runs only near its keywords.
//!
//! It is an Aho-Corasick automaton turned into a full DFA, built here rather than by the
//! `aho-corasick` crate for one reason: start-up. Every run of the pre-commit hook and the
//! agent guard builds it, over ~800 keywords, and the crate's general builder (a noncontiguous
//! NFA first, then the DFA, walking failure chains for every byte of every state) spent ~35M
//! instructions on it, two thirds of an empty scan. Knowing the input (short lowercase ASCII
//! literals) lets this one build the DFA in place in two passes over one table, with byte
//! classes (one per byte a keyword uses, one for every other byte), in a few million
//! instructions; the search loop is the same two loads per byte as the crate's DFA.
//!
//! A state id is the offset of its row in the table (the next state is one add away), and rows
//! are laid out so that a state where a keyword ends has an odd offset and every other state an
//! even one: the hot loop tests the low bit of the ids it already holds, and indexes the table
//! with them as they are. Rows are one cell further apart than there are classes, which leaves
//! room to shift a row by one cell to get its parity.
//!
//! The built-in keywords' automaton is not even built at run time: build.rs includes this file,
//! builds it and writes its [`Tables`] into the binary, and [`KeywordPrefilter::from_tables`]
//! borrows them (see `rules::builtin`). Hence this file names nothing outside itself and `std`.

use std::borrow::Cow;

/// Words the prefilter finds besides the rules' keywords: where the scan's decoders with a
/// context start (`Basic`/`BASIC` auth, a Docker config's `"auth"`, a Kubernetes `Secret`), found
/// in the same pass over a text as the keywords rather than in one more (see
/// `scan::decode::Marks`). Lowercase, as every keyword is; the decoders check the case.
pub const DECODER_WORDS: [&str; 3] = ["asic", "\"auth", "secret"];

/// `keywords` (lowercase, each once) with the [`DECODER_WORDS`] they lack after them: the
/// keyword list of every prefilter, the built-in one (build.rs) and a configuration's.
pub fn with_decoder_words(mut keywords: Vec<String>) -> Vec<String> {
    for word in DECODER_WORDS {
        if !keywords.iter().any(|keyword| keyword == word) {
            keywords.push(word.to_owned());
        }
    }
    keywords
}

/// The most table cells a prefilter may have (states × byte classes, 4 bytes each: 128 MiB).
/// The built-in keywords need ~0.2M; a configuration's custom keywords beyond this get a clear
/// error rather than gigabytes of memory and seconds of start-up.
const MAX_CELLS: usize = 32 << 20;

/// [`KeywordPrefilter::for_each_hit`] reads a window in blocks of this many bytes, each as
/// [`LANES`] parts at once (a block's later parts' hits wait in memory until the first's are
/// given).
const SPLIT_BLOCK: usize = 64 << 10;

/// How many parts of a block are read side by side.
const LANES: usize = 4;

/// A block whose parts would be shorter than this is read as one: splitting it costs more than
/// it saves.
const SPLIT_BELOW: usize = 64;

/// Every keyword of a rule set, as one DFA.
#[derive(Debug, Clone)]
pub struct KeywordPrefilter {
    /// The class of each byte: 0 for a byte no keyword holds, else one per (lowercased) byte.
    classes: [u8; 256],
    /// How many classes. Rows are `stride + 1` cells apart (see [`pitch`]).
    stride: usize,
    /// `transitions[state + class]` is the next state: an offset in this table, odd when a
    /// keyword ends in that state.
    transitions: Cow<'static, [u32]>,
    /// For the state of row `r`, the keywords that end there: `ends[starts[r]..starts[r + 1]]`.
    starts: Cow<'static, [u32]>,
    ends: Cow<'static, [u32]>,
    /// The length of each keyword, to give a hit its start.
    lengths: Cow<'static, [u32]>,
    /// The longest of them.
    longest: usize,
}

/// A prefilter's tables, borrowed: what build.rs writes into the binary for the built-in
/// keywords, and what [`KeywordPrefilter::from_tables`] serves from there without building.
#[derive(Debug, Clone, Copy)]
pub struct Tables<'a> {
    pub classes: &'a [u8; 256],
    pub stride: usize,
    pub transitions: &'a [u32],
    pub starts: &'a [u32],
    pub ends: &'a [u32],
    pub lengths: &'a [u32],
}

/// One keyword occurrence: which keyword (its index in the list given to
/// [`KeywordPrefilter::new`]) and its byte range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hit {
    pub keyword: usize,
    pub start: usize,
    pub end: usize,
}

/// Why a keyword list cannot make a prefilter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrefilterError {
    Empty,
    TooLarge,
}

impl std::fmt::Display for PrefilterError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PrefilterError::Empty => f.write_str("a keyword is empty"),
            PrefilterError::TooLarge => {
                f.write_str("the rules' keywords are too many or too long for one prefilter (custom rules: use fewer, shorter keywords, such as a token's fixed prefix)")
            }
        }
    }
}

impl KeywordPrefilter {
    /// The prefilter of `keywords`, matched ASCII case-insensitively.
    pub fn new<S: AsRef<[u8]>>(keywords: &[S]) -> Result<KeywordPrefilter, PrefilterError> {
        let mut classes = [0u8; 256];
        let mut stride = 1usize;
        for keyword in keywords {
            let keyword = keyword.as_ref();
            if keyword.is_empty() {
                return Err(PrefilterError::Empty);
            }
            for &byte in keyword {
                let byte = byte.to_ascii_lowercase();
                if classes[usize::from(byte)] == 0 {
                    // At most 255 distinct lowercased bytes, plus class 0: fits a u8.
                    classes[usize::from(byte)] = u8::try_from(stride).unwrap_or(u8::MAX);
                    stride += 1;
                }
            }
        }
        for upper in b'A'..=b'Z' {
            classes[usize::from(upper)] = classes[usize::from(upper.to_ascii_lowercase())];
        }
        let class_of = |byte: u8| usize::from(classes[usize::from(byte)]);
        // Every keyword byte may add a state: refuse before allocating.
        let most_states = 1 + keywords.iter().map(|k| k.as_ref().len()).sum::<usize>();
        if most_states.saturating_mul(pitch(stride)) > MAX_CELLS {
            return Err(PrefilterError::TooLarge);
        }

        // Pass 1: the trie, in the table itself. A 0 entry is "no edge" (the root, row 0, is
        // never a child); each keyword's own end state records it.
        let mut transitions: Vec<u32> = vec![0; stride];
        let mut own: Vec<Vec<u32>> = vec![Vec::new()];
        for (index, keyword) in keywords.iter().enumerate() {
            let mut row = 0usize;
            for &byte in keyword.as_ref() {
                let cell = row * stride + class_of(byte);
                row = match transitions[cell] {
                    0 => {
                        let child = own.len();
                        own.push(Vec::new());
                        transitions.resize(transitions.len() + stride, 0);
                        transitions[cell] = premultiplied(child, stride)?;
                        child
                    }
                    next => next as usize / stride,
                };
            }
            own[row].push(u32::try_from(index).map_err(|_| PrefilterError::TooLarge)?);
        }
        let rows = own.len();

        // Pass 2, breadth first: a missing edge takes the failure state's edge (already final,
        // being shallower), and a state's keywords are its own plus its failure state's.
        let mut outputs: Vec<Vec<u32>> = own;
        let mut failure = vec![0usize; rows];
        let mut queue = std::collections::VecDeque::with_capacity(rows);
        for edge in transitions.iter().take(stride) {
            let child = *edge as usize / stride;
            if child != 0 {
                queue.push_back(child);
            }
        }
        while let Some(row) = queue.pop_front() {
            let fail = failure[row];
            for class in 0..stride {
                let cell = row * stride + class;
                let inherited = transitions[fail * stride + class];
                let child = transitions[cell] as usize / stride;
                if child == 0 {
                    transitions[cell] = inherited;
                    continue;
                }
                let child_fail = inherited as usize / stride;
                failure[child] = child_fail;
                if !outputs[child_fail].is_empty() {
                    let more = outputs[child_fail].clone();
                    outputs[child].extend(more);
                }
                queue.push_back(child);
            }
        }

        // Pass 3: the rows at their final offsets, odd for a state where a keyword ends.
        let pitch = pitch(stride);
        let offsets = (0..rows)
            .map(|row| {
                let base = row * pitch;
                let odd = !outputs[row].is_empty();
                let offset = base + usize::from((base % 2 == 1) != odd);
                u32::try_from(offset).map_err(|_| PrefilterError::TooLarge)
            })
            .collect::<Result<Vec<u32>, _>>()?;
        let mut laid_out = vec![0u32; rows * pitch];
        for (row, &offset) in offsets.iter().enumerate() {
            let cells = &transitions[row * stride..][..stride];
            for (class, &next) in cells.iter().enumerate() {
                laid_out[offset as usize + class] = offsets[next as usize / stride];
            }
        }
        let transitions = laid_out;

        let mut starts = Vec::with_capacity(rows + 1);
        let mut ends = Vec::new();
        for output in &outputs {
            starts.push(u32::try_from(ends.len()).map_err(|_| PrefilterError::TooLarge)?);
            ends.extend_from_slice(output);
        }
        starts.push(u32::try_from(ends.len()).map_err(|_| PrefilterError::TooLarge)?);
        let lengths = (keywords.iter())
            .map(|k| u32::try_from(k.as_ref().len()).map_err(|_| PrefilterError::TooLarge))
            .collect::<Result<Vec<u32>, _>>()?;
        Ok(KeywordPrefilter {
            classes,
            stride,
            transitions: Cow::Owned(transitions),
            starts: Cow::Owned(starts),
            ends: Cow::Owned(ends),
            longest: longest(&lengths),
            lengths: Cow::Owned(lengths),
        })
    }

    /// The prefilter whose tables these are (as [`KeywordPrefilter::tables`] gave them), built
    /// once and kept in the binary: nothing is built or copied.
    pub fn from_tables(tables: Tables<'static>) -> KeywordPrefilter {
        KeywordPrefilter {
            classes: *tables.classes,
            stride: tables.stride,
            transitions: Cow::Borrowed(tables.transitions),
            starts: Cow::Borrowed(tables.starts),
            ends: Cow::Borrowed(tables.ends),
            lengths: Cow::Borrowed(tables.lengths),
            longest: longest(tables.lengths),
        }
    }

    /// Its tables, for build.rs to write into the binary.
    pub fn tables(&self) -> Tables<'_> {
        Tables {
            classes: &self.classes,
            stride: self.stride,
            transitions: &self.transitions,
            starts: &self.starts,
            ends: &self.ends,
            lengths: &self.lengths,
        }
    }

    /// How many keywords it finds.
    pub fn keyword_count(&self) -> usize {
        self.lengths.len()
    }

    /// The length of its longest keyword.
    pub fn longest_keyword(&self) -> usize {
        self.longest
    }

    /// Every keyword occurrence that lies wholly in `data[start..end]`, overlapping ones
    /// included, in order of their ends.
    ///
    /// The window is read in blocks, and each block as [`LANES`] parts at once: one load waits
    /// for the last (a state is the next one's index), so independent reads side by side take
    /// hardly longer than one. Each part after the first starts its automaton
    /// [`KeywordPrefilter::longest_keyword`] bytes early, which brings it to the state a read from
    /// the start would have there (a state stands for at most that many bytes back); their hits
    /// wait until the parts before have given theirs.
    pub fn for_each_hit(&self, data: &[u8], start: usize, end: usize, mut hit: impl FnMut(Hit)) {
        if data.get(start..end).is_none() {
            return;
        }
        let transitions: &[u32] = &self.transitions;
        let classes = &self.classes;
        let step = |state: u32, byte: u8| {
            transitions[state as usize + usize::from(classes[usize::from(byte)])]
        };
        let mut report = |stop: usize, state: u32| {
            for &keyword in self.keywords_at(state) {
                let keyword = keyword as usize;
                hit(Hit {
                    keyword,
                    start: stop - self.length(keyword),
                    end: stop,
                });
            }
        };
        let mut state = 0u32;
        let mut later: Vec<(usize, u32)> = Vec::new();
        let mut at = start;
        while at < end {
            let block_end = (at + SPLIT_BLOCK).min(end);
            let part = (block_end - at) / LANES;
            if part < self.longest.max(SPLIT_BELOW) {
                for (offset, &byte) in data[at..block_end].iter().enumerate() {
                    state = step(state, byte);
                    if ends_keyword(state) {
                        report(at + offset + 1, state);
                    }
                }
                at = block_end;
                continue;
            }
            let starts: [usize; LANES] = std::array::from_fn(|lane| at + lane * part);
            // A later part's state at its start, from the bytes before it (their hits are the
            // part before's).
            let warm = |lane: usize| {
                (data[starts[lane] - self.longest..starts[lane]].iter())
                    .fold(0u32, |state, &byte| step(state, byte))
            };
            let mut states = [state, warm(1), warm(2), warm(3)];
            let mut offset = 0;
            while let Some(stop) = step_lanes(
                transitions,
                classes,
                std::array::from_fn(|lane| &data[starts[lane] + offset..starts[lane] + part]),
                &mut states,
            ) {
                offset += stop;
                lanes_ending_keywords(states, starts, offset, &mut report, &mut later);
                offset += 1;
            }
            let mut s3 = states[LANES - 1];
            // The last part also reads what is left when the block does not divide evenly.
            let tail = starts[LANES - 1] + part;
            for (offset, &byte) in data[tail..block_end].iter().enumerate() {
                s3 = step(s3, byte);
                if ends_keyword(s3) {
                    later.push((tail + offset + 1, s3));
                }
            }
            // The later parts' hits, part after part (their ranges follow one another).
            later.sort_by_key(|&(stop, _)| stop);
            for (stop, state) in later.drain(..) {
                report(stop, state);
            }
            state = s3;
            at = block_end;
        }
    }

    fn length(&self, keyword: usize) -> usize {
        self.lengths[keyword] as usize
    }

    fn keywords_at(&self, state: u32) -> &[u32] {
        let row = state as usize / pitch(self.stride);
        &self.ends[self.starts[row] as usize..self.starts[row + 1] as usize]
    }
}

fn longest(lengths: &[u32]) -> usize {
    lengths.iter().max().map_or(0, |&l| l as usize)
}

/// The id of `row` while the trie is built: its offset in a table of `stride` cells a row.
fn premultiplied(row: usize, stride: usize) -> Result<u32, PrefilterError> {
    row.checked_mul(stride)
        .and_then(|id| u32::try_from(id).ok())
        .ok_or(PrefilterError::TooLarge)
}

/// How far apart the rows of a table of `stride` classes are: one cell more, so that each row
/// can start at an offset of the parity its state needs.
fn pitch(stride: usize) -> usize {
    stride + 1
}

/// Whether some keyword ends in `state` (or, given several states or-ed, in one of them).
#[inline(always)]
fn ends_keyword(state: u32) -> bool {
    state & 1 != 0
}

/// Steps [`LANES`] automata side by side over the parts in `lanes` (all of one length), from
/// `states`, up to and including the first step at which one of them ends a keyword: its
/// offset, with `states` as they are after it; `None` when the parts are read to their end.
///
/// Its own function, not inlined, so that the four states, the four parts and the two tables
/// stay in registers: the loop is the scan's hottest, and inlined into its caller it spilled
/// half of them to the stack.
#[inline(never)]
fn step_lanes(
    transitions: &[u32],
    classes: &[u8; 256],
    lanes: [&[u8]; LANES],
    states: &mut [u32; LANES],
) -> Option<usize> {
    // States as `usize` in the loop: the next one is an index as it is loaded.
    let step = |state: usize, byte: u8| {
        transitions[state + usize::from(classes[usize::from(byte)])] as usize
    };
    let [p0, p1, p2, p3] = lanes;
    let [mut s0, mut s1, mut s2, mut s3] = states.map(|state| state as usize);
    let bytes = p0.iter().zip(p1).zip(p2).zip(p3);
    for (offset, (((&b0, &b1), &b2), &b3)) in bytes.enumerate() {
        s0 = step(s0, b0);
        s1 = step(s1, b1);
        s2 = step(s2, b2);
        s3 = step(s3, b3);
        if (s0 | s1 | s2 | s3) & 1 != 0 {
            *states = [s0, s1, s2, s3].map(|state| state as u32);
            return Some(offset);
        }
    }
    *states = [s0, s1, s2, s3].map(|state| state as u32);
    None
}

/// The lanes of one step that end keywords: the first part's hits are given now, the later
/// parts' kept until the parts before them are done. Out of line, so that the loop around it
/// keeps its states in registers.
#[cold]
#[inline(never)]
fn lanes_ending_keywords(
    states: [u32; LANES],
    starts: [usize; LANES],
    offset: usize,
    report: &mut impl FnMut(usize, u32),
    later: &mut Vec<(usize, u32)>,
) {
    for (lane, (&state, &start)) in states.iter().zip(&starts).enumerate() {
        if !ends_keyword(state) {
            continue;
        }
        let stop = start + offset + 1;
        match lane {
            0 => report(stop, state),
            _ => later.push((stop, state)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every hit, as the `aho-corasick` crate (the reference) finds them overlapping.
    fn reference(keywords: &[&str], data: &[u8]) -> Vec<Hit> {
        let automaton = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(keywords)
            .expect("reference automaton");
        let mut hits: Vec<Hit> = automaton
            .find_overlapping_iter(data)
            .map(|m| Hit {
                keyword: m.pattern().as_usize(),
                start: m.start(),
                end: m.end(),
            })
            .collect();
        hits.sort();
        hits
    }

    fn ours(keywords: &[&str], data: &[u8]) -> Vec<Hit> {
        let prefilter = KeywordPrefilter::new(keywords).expect("prefilter");
        let mut hits = Vec::new();
        prefilter.for_each_hit(data, 0, data.len(), |h| hits.push(h));
        hits.sort();
        hits
    }

    /// A small deterministic generator: the test must not depend on a seed from outside.
    fn xorshift(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    #[test]
    fn finds_what_the_reference_automaton_finds() {
        // Keywords that share prefixes and suffixes and sit inside one another: the cases a
        // failure link gets wrong.
        let keywords = [
            "sk_",
            "sk_live_",
            "k_l",
            "_live",
            "ghp_",
            "gh",
            "hp_",
            "token",
            "oken",
            "ke",
            "a",
            "aaa",
            "aa",
            "x-api-key",
            "api",
            "pi-k",
            "AKIA",
            "kia",
        ];
        let alphabet = b"skSK_liveghpGHPtokenaxAPIKEY- \n";
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        for _ in 0..200 {
            let len = (xorshift(&mut seed) % 300) as usize;
            let data: Vec<u8> = (0..len)
                .map(|_| alphabet[(xorshift(&mut seed) % alphabet.len() as u64) as usize])
                .collect();
            assert_eq!(ours(&keywords, &data), reference(&keywords, &data));
        }
    }

    /// Long windows are read in blocks, each as parts side by side: still every hit, in order of
    /// its end, whatever the window (several blocks, odd lengths, a window not at the start, a
    /// keyword across a part's edge, keywords longer than a short part).
    #[test]
    fn a_window_read_in_parts_gives_every_hit_in_order() {
        let long = "x".repeat(90) + "-long-keyword";
        let keywords = [
            "sk_", "sk_live_", "k_l", "_live", "token", "oken", "aa", "a", &long,
        ];
        let alphabet = b"skSK_livetokenaxX- \n";
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        for len in [127, 128, 129, 300, 1000, 4097, 3 * SPLIT_BLOCK + 17] {
            let mut data: Vec<u8> = (0..len)
                .map(|_| alphabet[(xorshift(&mut seed) % alphabet.len() as u64) as usize])
                .collect();
            // The long keyword now and then, so that it crosses parts and blocks.
            for at in (40..len.saturating_sub(long.len())).step_by(997) {
                data[at..at + long.len()].copy_from_slice(long.as_bytes());
            }
            let prefilter = KeywordPrefilter::new(&keywords).expect("prefilter");
            for (start, end) in [(0, len), (1, len), (len / 3, len - 1)] {
                let mut hits = Vec::new();
                prefilter.for_each_hit(&data, start, end, |h| hits.push(h));
                assert!(hits.windows(2).all(|pair| pair[0].end <= pair[1].end));
                hits.sort();
                let expected: Vec<Hit> = reference(&keywords, &data[start..end])
                    .into_iter()
                    .map(|h| Hit {
                        start: h.start + start,
                        end: h.end + start,
                        ..h
                    })
                    .collect();
                assert_eq!(hits, expected, "{len} bytes, window {start}..{end}");
            }
        }
    }

    #[test]
    fn a_window_reports_only_keywords_wholly_inside_it() {
        let prefilter = KeywordPrefilter::new(&["abc"]).expect("prefilter");
        let mut hits = Vec::new();
        prefilter.for_each_hit(b"xabcabc", 2, 7, |h| hits.push(h.start));
        assert_eq!(hits, vec![4]);
    }

    #[test]
    fn keywords_too_large_for_one_table_are_refused_before_allocating() {
        // 4,000 keywords of 1,000 bytes over 200 distinct bytes: ~800M cells, gigabytes.
        let keywords: Vec<Vec<u8>> = (0..4000u32)
            .map(|k| {
                (0..1000u32)
                    .map(|i| (33 + (k * 7 + i) % 200) as u8)
                    .collect()
            })
            .collect();
        assert_eq!(
            KeywordPrefilter::new(&keywords).err(),
            Some(PrefilterError::TooLarge)
        );
    }

    #[test]
    fn an_empty_keyword_is_refused() {
        assert_eq!(
            KeywordPrefilter::new(&["ok", ""]).err(),
            Some(PrefilterError::Empty)
        );
    }
}
