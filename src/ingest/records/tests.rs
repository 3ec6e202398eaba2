//! The record reader against the `csv` crate: splitter, unescaping, positions, buffers.

use super::*;

fn all(data: &[u8], buf: usize) -> Vec<(Vec<String>, u64, u64, bool)> {
    let mut r = RecordReader::new(data, b',', 0, 1);
    r.buf = Buffer::Owned(vec![0; buf].into_boxed_slice());
    // Tiny starting buffers exercise the growth paths.
    let mut rec = RawRecord {
        fields: vec![0; 1],
        ends: vec![0; 1],
        ..RawRecord::default()
    };
    let mut out = Vec::new();
    while r.read(&mut rec).unwrap() {
        let cells = rec
            .iter()
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect();
        out.push((cells, rec.offset, rec.line, rec.unclosed_quote));
    }
    out
}

#[test]
fn records_carry_their_physical_line_and_offset() {
    let data = b"a,b\n\"x\ny\",2\r\n\n3,4\nlast,\"un\"\"closed\n";
    for buf in [1, 2, 3, 7, 4096] {
        let got = all(data, buf);
        let want = vec![
            (vec!["a".to_string(), "b".into()], 0, 1, false),
            (vec!["x\ny".to_string(), "2".into()], 4, 2, false),
            (vec!["3".to_string(), "4".into()], 14, 5, false),
            (vec!["last".to_string(), "un\"closed\n".into()], 18, 6, true),
        ];
        assert_eq!(got, want, "buffer of {buf}");
    }
}

#[test]
fn a_bom_at_the_start_of_a_record_is_data() {
    // The first record through csv-core may be anywhere in the file; a BOM opening it is
    // kept, as the csv crate keeps one anywhere but at the start of the input.
    for data in [
        &b"\n\xef\xbb\xbf"[..],
        b"a,b\n\xef\xbb\xbf\"x\"\"y\",z\n",
        b"\xef\xbb\xbfq,\"r\"\"\"",
    ] {
        let got = all(data, 4096);
        assert!(
            got.iter()
                .any(|r| r.0.iter().any(|c| c.starts_with('\u{feff}'))),
            "{:?}: {got:?}",
            String::from_utf8_lossy(data)
        );
    }
}

#[test]
fn quoted_cells_with_commas_and_quotes_are_one_cell() {
    let got = all(b"\"a,b\",\"say \"\"hi\"\"\",c", 4096);
    assert_eq!(got[0].0, ["a,b", "say \"hi\"", "c"]);
    assert!(
        !got[0].3,
        "a closed quote at the end of input is not unclosed"
    );
}

#[test]
fn newline_counting_agrees_with_a_byte_loop() {
    let text = b"a,b\n,,\"q\"\r\n\x80\xff,\n\n\n1234567,89abcdef\n";
    for start in 0..text.len() {
        for end in start..=text.len() {
            let s = &text[start..end];
            for b in [b'\n', b'"', b','] {
                assert_eq!(count(s, b), s.iter().filter(|x| **x == b).count());
            }
        }
    }
}

/// Every splitter this machine can run.
fn splitters() -> Vec<Splitter> {
    let mut all = vec![Splitter::Scalar];
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    all.push(Splitter::Sse2);
    if Splitter::detect() == Splitter::Avx2 {
        all.push(Splitter::Avx2);
    }
    all
}

/// The first record of `buf` as the csv crate reads it, and the bytes it takes with its
/// line end; `None` when the record does not end within `buf`.
fn first_record(buf: &[u8], delimiter: u8) -> Option<(Vec<Vec<u8>>, usize)> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(buf);
    let mut rec = csv::ByteRecord::new();
    if !rdr.read_byte_record(&mut rec).ok()? {
        return None;
    }
    // The position is past the record's line end; a record the input ended is not one the
    // splitter may read.
    let mut used = rdr.position().byte() as usize;
    // After a `\r\n` it may stand between the two.
    if used > 0 && buf[used - 1] == b'\r' && buf.get(used) == Some(&b'\n') {
        used += 1;
    }
    if used == 0 || buf[used - 1] != b'\n' {
        return None;
    }
    Some((rec.iter().map(<[u8]>::to_vec).collect(), used))
}

/// A line the splitter must read without the parser: no quote, no stray `\r`, or quoted
/// cells of the simple kind.
fn must_be_fast(buf: &[u8], delimiter: u8) -> bool {
    let Some(nl) = buf.iter().position(|b| *b == b'\n') else {
        return false;
    };
    let body = buf[..nl].strip_suffix(b"\r").unwrap_or(&buf[..nl]);
    body.split(|b| *b == delimiter).all(|cell| match cell {
        [b'"', inner @ .., b'"'] => !inner.contains(&b'"'),
        _ => !cell.contains(&b'"') && !cell.contains(&b'\r'),
    }) && !body.contains(&b'\r')
}

#[test]
fn lines_split_as_the_csv_parser_splits_them() {
    // Random lines over the bytes that matter, long enough to cross several blocks, with
    // quotes and `\r\n` falling on every position of a block.
    let alphabet = [b'a', b',', b'"', b'\r', b'\n', 0xe8, b'\t', b' '];
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut cases: Vec<Vec<u8>> = Vec::new();
    // Past 128 bytes: the AVX2 splitter reads 64 at a time.
    for len in (0..100).chain((100..260).step_by(3)) {
        for _ in 0..60 {
            let r = next();
            let mut line: Vec<u8> = Vec::new();
            while line.len() < len {
                let pick = next() as usize;
                match pick % 11 {
                    // A simple quoted cell, sometimes holding delimiters or a `\r`.
                    0 => line.extend_from_slice(b",\"q,\tr\","),
                    1 => line.extend_from_slice(b",\"\","),
                    2 => line.push(alphabet[(pick / 11) % alphabet.len()]),
                    // In one line of eight, quoted cells with `""` escapes (JSON tags).
                    3 if r % 8 == 0 => line.extend_from_slice(b",\"{\"\"k\"\":\"\"v, w\"\"}\","),
                    4 if r % 8 == 0 => line.extend_from_slice(b",\"\"\"\","),
                    _ => line.push([b'x', b','][(pick / 11) % 2]),
                }
            }
            match r % 3 {
                0 => line.extend_from_slice(b"\r\nnext"),
                1 => line.extend_from_slice(b"\nnext"),
                _ => {}
            }
            cases.push(line);
        }
    }
    for pad in 0..70 {
        let mut line = vec![b'y'; pad];
        line.extend_from_slice(b",z\r\n");
        cases.push(line);
        let mut line = vec![b'y'; pad];
        line.extend_from_slice(b",\"a,b\"\r\n");
        cases.push(line);
        let mut line = b"\"".to_vec();
        line.extend(vec![b'y'; pad]);
        line.extend_from_slice(b",\r\"\n");
        cases.push(line);
    }
    let (mut fast, mut quoted, mut escaped) = (0, 0, 0);
    // The reader steps over line ends between records: a line never starts with one.
    cases.retain(|c| !matches!(c.first(), Some(b'\r' | b'\n')));
    for case in &cases {
        for delimiter in [b',', b'\t'] {
            let want = first_record(case, delimiter);
            let must = must_be_fast(case, delimiter);
            for splitter in splitters() {
                let mut bounds = Vec::new();
                let mut pairs = Vec::new();
                let got = split_line(case, delimiter, &mut bounds, &mut pairs, splitter);
                let what = format!("{splitter:?}: {:?}", String::from_utf8_lossy(case));
                let Some(split) = got else {
                    assert!(!must, "not read fast: {what}");
                    continue;
                };
                // Unescaped in place, and into a copy, as the reader does.
                let mut copied = Vec::new();
                let mut copied_bounds = bounds.clone();
                let kept =
                    unescape_into(&case[..split.body], &mut copied, &mut copied_bounds, &pairs);
                let mut line = case.clone();
                unescape(&mut line[..split.body], &mut bounds, &pairs);
                assert_eq!(copied_bounds, bounds, "{what}");
                assert_eq!(kept, split.body - pairs.len(), "{what}");
                assert_eq!(copied[..kept], line[..kept], "{what}");
                let view = Cells {
                    bytes: &line,
                    bounds: &bounds,
                    gap: 1,
                    strip: split.quoted,
                    escaped: 0,
                };
                let cells: Vec<Vec<u8>> = view.iter().map(<[u8]>::to_vec).collect();
                assert_eq!(Some((cells, split.used)), want, "{what}");
                assert_eq!(split.ascii, case[..split.used].is_ascii(), "{what}");
                fast += 1;
                quoted += usize::from(split.quoted);
                escaped += usize::from(!pairs.is_empty());
            }
        }
    }
    assert!(
        fast > 10_000 && quoted > 1000 && escaped > 300,
        "{fast} lines read fast, {quoted} quoted, {escaped} with escapes"
    );
}

#[test]
fn cells_left_in_the_buffer_read_as_copied_cells() {
    let data = b"a,b,,c\r\nx\t,\"q,1\",\n\xe8\xb5\x84,\xe6\xba\x90\n,\nlast,line";
    for buf in [1, 5, 16, 4096] {
        let mut copied = RecordReader::new(&data[..], b',', 0, 1);
        copied.buf = Buffer::Owned(vec![0; buf].into_boxed_slice());
        let mut viewed = RecordReader::new(&data[..], b',', 0, 1);
        viewed.buf = Buffer::Owned(vec![0; buf].into_boxed_slice());
        let (mut a, mut b) = (RawRecord::default(), RawRecord::default());
        let mut n = 0;
        loop {
            let more = copied.read(&mut a).unwrap();
            assert_eq!(viewed.next(&mut b).unwrap(), more);
            if !more {
                break;
            }
            let want: Vec<&[u8]> = a.iter().collect();
            let got: Vec<&[u8]> = viewed.cells(&b).iter().collect();
            assert_eq!(got, want, "record {n}, buffer {buf}");
            assert_eq!(b.line, a.line);
            n += 1;
        }
        assert_eq!(n, 5);
    }
}

#[test]
fn escaped_quotes_are_read_by_the_splitter_as_the_csv_parser_reads_them() {
    let line = b"1.5,\"{\"\"env\"\":\"\"dev, ml\"\"}\",\"\"\"\",x\n";
    let data: Vec<u8> = line.repeat(3);
    for buf in [7, 40, 4096] {
        let mut r = RecordReader::new(&data[..], b',', 0, 1);
        r.buf = Buffer::Owned(vec![0; buf].into_boxed_slice());
        let mut rec = RawRecord::default();
        let mut lines = Vec::new();
        while r.next(&mut rec).unwrap() {
            let cells: Vec<&[u8]> = r.cells(&rec).iter().collect();
            assert_eq!(
                cells,
                [&b"1.5"[..], br#"{"env":"dev, ml"}"#, b"\"", b"x"],
                "buffer {buf}"
            );
            lines.push(rec.line);
        }
        assert_eq!(lines, [1, 2, 3], "buffer {buf}");
    }
    // Read without the parser: the splitter reports the escapes.
    for splitter in splitters() {
        let mut bounds = Vec::new();
        let mut pairs = Vec::new();
        let split = split_line(line, b',', &mut bounds, &mut pairs, splitter).expect("read fast");
        assert!(split.quoted && pairs.len() == 5, "{splitter:?}: {pairs:?}");
    }
}

#[test]
fn the_cells_holding_pairs_are_found_by_their_ends() {
    // (cell ends, first quotes of the pairs, the cells holding them)
    let wide: Vec<u32> = (0..70).map(|i| i * 10 + 9).collect();
    let cases: [(&[u32], &[u32], u64); 7] = [
        (&[3, 9, 20], &[], 0),
        (&[3, 9, 20], &[1], 0b001),
        (&[3, 9, 20], &[5, 7], 0b010),
        (&[3, 9, 20], &[5, 12, 15], 0b110),
        (&[3, 9, 20], &[1, 18], 0b101),
        (&wide, &[635], 1 << 63),
        (&wide, &[5, 645], u64::MAX),
    ];
    for (bounds, pairs, want) in cases {
        assert_eq!(holding(bounds, pairs), want, "{bounds:?} {pairs:?}");
    }
}

#[test]
fn pairs_in_cells_nobody_reads_are_left_and_the_others_read_the_same() {
    // Pairs in cell 1 only, in cell 3 only, in both, and none.
    let data = b"a,\"{\"\"k\"\":1}\",b,c\nd,e,f,\"x\"\"y\"\nh,\"\"\"\",i,\"\"\"\"\"\"\nj,k,l,m\n";
    for buf in [7, 40, 4096] {
        let mut all = RecordReader::new(&data[..], b',', 0, 1);
        all.buf = Buffer::Owned(vec![0; buf].into_boxed_slice());
        let mut some = RecordReader::new(&data[..], b',', 0, 1);
        some.buf = Buffer::Owned(vec![0; buf].into_boxed_slice());
        some.read_only(0b1101);
        let (mut a, mut b) = (RawRecord::default(), RawRecord::default());
        let mut left = Vec::new();
        while all.next(&mut a).unwrap() {
            assert!(some.next(&mut b).unwrap());
            let (want, got) = (all.cells(&a), some.cells(&b));
            assert_eq!(got.len(), want.len(), "line {}, buffer {buf}", a.line);
            for i in [0, 2, 3] {
                assert_eq!(got.get(i), want.get(i), "line {}, buffer {buf}", a.line);
            }
            assert!(!got.is_blank());
            left.push(b.escaped);
        }
        assert!(!some.next(&mut b).unwrap());
        // Only the first line's pairs lie in no cell read; the other lines read as before (and
        // a line the parser reads, across a short buffer's end, is copied out unescaped).
        let first = if buf >= 40 { 0b10 } else { 0 };
        assert_eq!(left, [first, 0, 0, 0], "buffer {buf}");
    }
}

#[test]
#[cfg(debug_assertions)]
#[should_panic(expected = "left with its")]
fn a_cell_left_with_its_pairs_is_never_read() {
    let data = b"a,\"{\"\"k\"\":1}\"\n";
    let mut r = RecordReader::new(&data[..], b',', 0, 1);
    r.read_only(0b1);
    let mut rec = RawRecord::default();
    assert!(r.next(&mut rec).unwrap());
    let _ = r.cells(&rec).get(1);
}

#[test]
fn a_file_without_newlines_is_refused_past_the_cap() {
    let big = vec![b'x'; MAX_RECORD + 10];
    let mut r = RecordReader::new(&big[..], b',', 0, 1);
    let mut rec = RawRecord::default();
    let e = r.read(&mut rec).unwrap_err();
    assert!(e.to_string().contains("longer than 16 MiB"), "{e}");
    assert_eq!(
        e.get_ref()
            .and_then(|i| i.downcast_ref::<Unreadable>())
            .map(|t| t.line),
        Some(1)
    );
}
