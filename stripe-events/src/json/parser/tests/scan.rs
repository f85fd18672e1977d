use super::*;

#[test]
fn same_bytes_agrees_with_slice_equality() {
    let words: [&[u8]; 9] = [
        b"",
        b"a",
        b"ab",
        b"abcd",
        b"abce",
        b"abcdefgh",
        b"abcdefgi",
        b"abcdefghijklmnop",
        b"abcdefghijklmnopq",
    ];
    for a in words {
        for b in words.iter().filter(|b| b.len() == a.len()) {
            assert_eq!(same_bytes(a, b), a == *b, "{a:?} {b:?}");
        }
        let mut changed = a.to_vec();
        for i in 0..changed.len() {
            changed[i] ^= 1;
            assert!(!same_bytes(a, &changed), "{a:?} at {i}");
            changed[i] ^= 1;
        }
    }
}

#[test]
fn find_special_agrees_with_naive_scan() {
    let alphabet: &[u8] = b"ab\"\\\x01\x1f \x7f\xc3\xa9\xff";
    let mut seed = 0x1234_5678_9abc_def0_u64;
    for _ in 0..4000 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let len = (seed % 40) as usize;
        let mut s = Vec::with_capacity(len);
        let mut x = seed;
        for _ in 0..len {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            // Mostly plain letters so that long clean runs occur.
            let r = (x >> 33) as usize;
            s.push(if r % 4 == 0 {
                alphabet[r / 4 % alphabet.len()]
            } else {
                b'a' + (r % 26) as u8
            });
        }
        for start in 0..=s.len() {
            let naive = (start..s.len())
                .find(|&i| s[i] == b'"' || s[i] == b'\\' || s[i] < 0x20)
                .unwrap_or(s.len());
            let high = s[start..naive].iter().any(|&b| b >= 0x80);
            assert_eq!(find_special(&s, start), (naive, high), "{s:?} from {start}");
        }
    }
}

#[test]
fn whitespace_is_only_four_bytes() {
    skip_all(
        b" \t\r\n[ \t\r\n1 \t\r\n, \t\r\n{ \t\r\n\"a\" \t\r\n: \t\r\n2 \t\r\n} \t\r\n] \t\r\n",
    )
    .unwrap();
    for bad in [&b"\x0c1"[..], b"1\x0b", b"[1,\xc2\xa01]", b"\x001"] {
        assert!(skip_all(bad).unwrap_err().is_syntax(), "{bad:?}");
    }
}
