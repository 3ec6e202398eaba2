use super::*;

#[test]
fn cells_decode_as_utf8_or_gb18030() {
    let mut s = String::new();
    assert_eq!(
        decode("资源ID".as_bytes(), Encoding::Utf8, &mut s),
        "资源ID"
    );
    let (gbk, _, _) = encoding_rs::GB18030.encode("资源ID");
    assert_eq!(decode(&gbk, Encoding::Gb18030, &mut s), "资源ID");
    // A GBK cell inside a file sniffed as UTF-8 is still read.
    assert_eq!(decode(&gbk, Encoding::Utf8, &mut s), "资源ID");
    assert_eq!(decode(b"abc", Encoding::Gb18030, &mut s), "abc");
}

fn read_all(bytes: Vec<u8>) -> Result<(String, Encoding, u8)> {
    let src = from_reader("t.csv", Box::new(std::io::Cursor::new(bytes)))?;
    let (enc, delim) = (src.encoding, src.delimiter);
    let mut out = Vec::new();
    let mut r = src.reader;
    r.read_to_end(&mut out)
        .map_err(|e| read_error("t.csv", e))?;
    Ok((String::from_utf8_lossy(&out).into_owned(), enc, delim))
}

fn utf16le(s: &str) -> Vec<u8> {
    let mut b = vec![0xFF, 0xFE];
    for u in s.encode_utf16() {
        b.extend_from_slice(&u.to_le_bytes());
    }
    b
}

#[test]
fn utf16_with_a_bom_is_transcoded() {
    let text = "实例ID\t应付金额\r\ni-1\t1.5\r\n";
    let (out, enc, delim) = read_all(utf16le(text)).unwrap();
    assert_eq!(out, text);
    assert_eq!(enc, Encoding::Utf8);
    assert_eq!(delim, b'\t');
    let mut be = vec![0xFE, 0xFF];
    for u in "a,b\n".encode_utf16() {
        be.extend_from_slice(&u.to_be_bytes());
    }
    assert_eq!(read_all(be).unwrap().0, "a,b\n");
    // Long enough to cross the transcoder's chunks.
    let long = "资源ID,x\n".repeat(30_000);
    assert_eq!(read_all(utf16le(&long)).unwrap().0, long);
}

#[test]
fn malformed_utf16_is_an_error_not_garbage() {
    let mut b = utf16le("a,b\n");
    b.extend_from_slice(&0xD800u16.to_le_bytes()); // lone high surrogate
    b.extend_from_slice(&u16::from(b'x').to_le_bytes());
    let e = read_all(b).unwrap_err().to_string();
    assert!(e.contains("malformed UTF-16"), "{e}");
    let e = read_all(vec![b'a', 0, b',', 0])
        .err()
        .map(|e| e.to_string());
    assert!(e.unwrap().contains("UTF-16 text without a byte-order mark"));
}

#[test]
fn gzip_is_read_through() {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all("\u{feff}实例ID,应付金额\n".as_bytes())
        .unwrap();
    let bytes = gz.finish().unwrap();
    let (out, enc, delim) = read_all(bytes.clone()).unwrap();
    assert_eq!(out, "实例ID,应付金额\n");
    assert_eq!((enc, delim), (Encoding::Utf8, b','));
    let cut = bytes[..bytes.len() - 12].to_vec();
    let e = read_all(cut).unwrap_err();
    assert_eq!(e.exit_code().code(), 2);
    assert!(e.to_string().contains("cut short"), "{e}");
}

#[test]
fn cr_line_ends_read_as_line_feeds() {
    let (out, _, delim) = read_all(b"a,b\r1,\"x\ry\"\r2,3\r".to_vec()).unwrap();
    assert_eq!(out, "a,b\n1,\"x\ny\"\n2,3\n");
    assert_eq!(delim, b',');
    let src = from_reader("t.csv", Box::new(std::io::Cursor::new(b"a\rb".to_vec()))).unwrap();
    assert_eq!(src.reading, "UTF-8, CR line ends");
    assert!(!src.verbatim, "never read in pieces at file offsets");
    // CRLF files are read as they are.
    let (out, _, _) = read_all(b"a,b\r\n1,2\r\n".to_vec()).unwrap();
    assert_eq!(out, "a,b\r\n1,2\r\n");
}

/// Reads `bytes` through [`LateEncoding`] `step` bytes at a time: the text, what was
/// decided, or the error.
fn late(bytes: &[u8], step: usize) -> (std::result::Result<String, String>, Late) {
    let state = Rc::new(Cell::new(Late::Ascii));
    let inner: Box<dyn Read> = Box::new(std::io::Cursor::new(bytes.to_vec()));
    let mut r = LateEncoding::new(inner, Late::Ascii, state.clone());
    let mut out = Vec::new();
    let mut buf = vec![0u8; step];
    let got = loop {
        match r.read(&mut buf) {
            Ok(0) => break Ok(String::from_utf8(out).expect("UTF-8 out")),
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) => break Err(e.to_string()),
        }
    };
    (got, state.get())
}

#[test]
fn ascii_files_are_decided_by_their_first_line_that_is_not() {
    let gbk = |s: &str| encoding_rs::GB18030.encode(s).0.into_owned();
    let ascii = "id,name\n".repeat(3);
    // UTF-8 text: read as it is.
    let text = format!("{ascii}web-系统,网站服务器\nx,y\n");
    for step in [1, 2, 3, 7, 64, 4096] {
        assert_eq!(
            late(text.as_bytes(), step),
            (Ok(text.clone()), Late::Utf8),
            "{step}"
        );
    }
    // GBK text, whose first cell alone would pass for UTF-8 (`系统` is `ϵͳ`): the line
    // decides, and the whole file is GB18030.
    let mut bytes = ascii.clone().into_bytes();
    bytes.extend(gbk("web-系统,网站服务器\n云硬盘,数据盘\n"));
    for step in [1, 2, 3, 7, 64, 4096] {
        assert_eq!(
            late(&bytes, step),
            (Ok(text.replace("x,y", "云硬盘,数据盘")), Late::Gb18030)
        );
    }
    // Neither: cited where the bad bytes stand, after the text before them.
    let mut bad = ascii.clone().into_bytes();
    bad.extend_from_slice(b"caf\xe9,x\n");
    for step in [1, 5, 4096] {
        let (got, state) = late(&bad, step);
        assert_eq!(state, Late::Gb18030);
        let e = got.unwrap_err();
        assert!(e.contains("neither UTF-8 nor GB18030"), "{e}");
    }
    // Nothing but ASCII: nothing decided.
    assert_eq!(late(ascii.as_bytes(), 3), (Ok(ascii.clone()), Late::Ascii));
    // A cut UTF-8 character at the end of the file is not UTF-8.
    let cut = format!("{ascii}a\u{e9}").into_bytes();
    assert_eq!(late(&cut[..cut.len() - 1], 4096).1, Late::Gb18030);
}

#[test]
fn cells_decode_strictly() {
    let mut s = String::new();
    assert_eq!(
        decode_cell("资源ID".as_bytes(), Encoding::Utf8, &mut s),
        Ok("资源ID")
    );
    let gbk = encoding_rs::GB18030.encode("资源ID").0.into_owned();
    assert_eq!(decode_cell(&gbk, Encoding::Gb18030, &mut s), Ok("资源ID"));
    assert_eq!(decode_cell(b"abc", Encoding::Gb18030, &mut s), Ok("abc"));
    let e = decode_cell(&gbk, Encoding::Utf8, &mut s).unwrap_err();
    assert!(
        e.contains("is not UTF-8 text") && e.contains("byte 0xD7 at 1"),
        "{e}"
    );
    let e = decode_cell(b"ecs-1\xff", Encoding::Gb18030, &mut s).unwrap_err();
    assert!(e.contains("is not GB18030 text"), "{e}");
    let e = decode_cell(b"ecs\x00-1", Encoding::Utf8, &mut s).unwrap_err();
    assert!(e.starts_with("a NUL byte at character 4"), "{e}");
    assert!(decode_cell(b"ecs\x00", Encoding::Gb18030, &mut s).is_err());
}

#[test]
fn a_nul_byte_in_the_opening_bytes_is_cited_at_its_line_and_field() {
    let e = read_all(b"a,b,c\nx,\"y,\x00z\",w\n".to_vec()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "t.csv:2:2: the file is not a CSV text export (binary data at byte 12: a NUL byte)"
    );
    let e = read_all(b"a\tb\n1\t2\t\x00\n".to_vec()).unwrap_err();
    assert!(e.to_string().starts_with("t.csv:2:3: "), "{e}");
}

#[test]
fn delimiters_are_sniffed() {
    assert_eq!(delimiter_of(b"a\tb\nc\td\n"), b'\t');
    assert_eq!(delimiter_of(b"a,b\tc\n"), b',');
    assert_eq!(delimiter_of(b"title\na,b\n"), b',');
    assert_eq!(delimiter_of(b"a\tb\tc\n\"x, y\"\t2\t3\n"), b'\t');
    // Semicolons only where a reader asks for them, and only by the header.
    let semi = b"resource_id;deleted_at;note\necs-1;2026-10-10 08:30;web, front\n";
    assert_eq!(delimiter_of(semi), b',');
    assert_eq!(list_delimiter_of(semi, b','), b';');
    assert_eq!(list_delimiter_of(b"\r\n\na;b\n", b','), b';');
    let composite = b"resource_id,deleted_at\nk;w;m;t;c,2026-10-10 08:30\nx;y,1\n";
    assert_eq!(list_delimiter_of(composite, b','), b',');
    assert_eq!(list_delimiter_of(b"a\tb;c\n", b'\t'), b'\t');
    assert_eq!(list_delimiter_of(b"", b','), b',');
}
