//! The generator's building blocks: a counter-based SplitMix64, the UTC+08:00 month clock and
//! exact fixed-point numbers written as text.
// ---------------------------------------------------------------------------------------------
// Randomness: SplitMix64, counter-based.

pub(super) const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

pub(super) fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A hash of a few integers, for seeding a stream per (seed, resource, hour, purpose).
pub(super) fn key(parts: &[u64]) -> u64 {
    parts.iter().fold(0x243F_6A88_85A3_08D3, |acc, p| {
        mix(acc ^ p.wrapping_mul(GOLDEN))
    })
}

/// SplitMix64.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(GOLDEN);
        mix(self.0)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `per_mille`/1000.
    pub fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    pub(super) fn hex(&mut self, out: &mut String, n: usize) {
        for _ in 0..n {
            out.push(b"0123456789abcdef"[self.below(16) as usize] as char);
        }
    }

    pub(super) fn uuid(&mut self) -> String {
        let mut s = String::with_capacity(36);
        for (i, n) in [8, 4, 4, 4, 12].into_iter().enumerate() {
            if i > 0 {
                s.push('-');
            }
            self.hex(&mut s, n);
        }
        s
    }

    pub(super) fn alnum(&mut self, out: &mut String, n: usize) {
        const A: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
        for _ in 0..n {
            out.push(A[self.below(A.len() as u64) as usize] as char);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Calendar: local (UTC+08:00) wall clock from seconds since the start of the span.

pub(super) const TZ_SECONDS: i64 = 8 * 3600;

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
pub(super) fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

pub(super) fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    ((y + i64::from(m <= 2)) as i32, m, d)
}

pub(super) fn days_in_month(y: i32, m: u32) -> u32 {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    (days_from_civil(ny, nm, 1) - days_from_civil(y, m, 1)) as u32
}

/// Seconds-since-span-start to text.
#[derive(Debug, Clone, Copy)]
pub(super) struct Clock {
    /// Local (UTC+8) epoch seconds of the span start.
    pub(super) start_local: i64,
}

impl Clock {
    /// `YYYY-MM-DD HH:MM:SS` in UTC+08:00.
    pub(super) fn push_local(&self, out: &mut Vec<u8>, sec: i64) {
        push_datetime(out, self.start_local + sec, b' ', false);
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` in UTC.
    pub(super) fn push_utc(&self, out: &mut Vec<u8>, sec: i64) {
        push_datetime(out, self.start_local + sec - TZ_SECONDS, b'T', true);
    }

    pub(super) fn local_text(&self, sec: i64) -> String {
        let mut v = Vec::new();
        self.push_local(&mut v, sec);
        String::from_utf8(v).expect("ASCII")
    }

    /// `YYYY-MM` of the local date.
    pub(super) fn push_cycle(&self, out: &mut Vec<u8>, sec: i64) {
        let (y, m, _) = civil_from_days((self.start_local + sec).div_euclid(86_400));
        push_num(out, y as u64, 4);
        out.push(b'-');
        push_num(out, u64::from(m), 2);
    }
}

pub(super) fn push_datetime(out: &mut Vec<u8>, epoch: i64, sep: u8, z: bool) {
    let (y, m, d) = civil_from_days(epoch.div_euclid(86_400));
    let s = epoch.rem_euclid(86_400) as u64;
    push_num(out, y as u64, 4);
    out.push(b'-');
    push_num(out, u64::from(m), 2);
    out.push(b'-');
    push_num(out, u64::from(d), 2);
    out.push(sep);
    push_num(out, s / 3600, 2);
    out.push(b':');
    push_num(out, s / 60 % 60, 2);
    out.push(b':');
    push_num(out, s % 60, 2);
    if z {
        out.push(b'Z');
    }
}

/// Writes `n` zero-padded to at least `width` digits.
pub(super) fn push_num(out: &mut Vec<u8>, mut n: u64, width: usize) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    while tmp.len() - i < width {
        i -= 1;
        tmp[i] = b'0';
    }
    out.extend_from_slice(&tmp[i..]);
}

/// A fixed-point amount with `scale` decimals (all of them written).
pub(super) fn push_fixed(out: &mut Vec<u8>, v: i64, scale: u32) {
    if v < 0 {
        out.push(b'-');
    }
    let p = 10u64.pow(scale);
    let a = v.unsigned_abs();
    push_num(out, a / p, 1);
    if scale > 0 {
        out.push(b'.');
        push_num(out, a % p, scale as usize);
    }
}

/// A quantity in 1e-4 units, without trailing zeros (`1`, `0.5`, `40`, `0.1234`).
pub(super) fn push_qty(out: &mut Vec<u8>, q: i64) {
    if q < 0 {
        out.push(b'-');
    }
    let a = q.unsigned_abs();
    push_num(out, a / 10_000, 1);
    let mut frac = a % 10_000;
    if frac > 0 {
        out.push(b'.');
        let mut width = 4;
        while frac.is_multiple_of(10) {
            frac /= 10;
            width -= 1;
        }
        push_num(out, frac, width);
    }
}

/// Rounds an amount in 1e-8 to `scale` decimals, half away from zero, still in 1e-8 units.
pub(super) fn round_to(v: i64, scale: u32) -> i64 {
    let p = 10i64.pow(8 - scale);
    let r = (v.abs() + p / 2) / p * p;
    if v < 0 {
        -r
    } else {
        r
    }
}

// ---------------------------------------------------------------------------------------------
// The model.
