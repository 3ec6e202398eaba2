use super::*;
use crate::model::LineKind;
use crate::money::dec;
use rust_decimal::Decimal;

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// A line of hour `h` after 2026-10-10T00:00Z, of input `input` at `line`.
#[allow(clippy::too_many_arguments)]
fn line<'a>(
    h: i64,
    input: u32,
    line: u64,
    kind: LineKind,
    amount: &str,
    currency: &'a str,
    name: &'a str,
    product: &'a str,
) -> Spec<'a> {
    let start = t("2026-10-10T00:00:00Z") + Duration::hours(h);
    (
        LineKey {
            time: start,
            input,
            line,
        },
        Some(start + Duration::hours(1)),
        kind,
        dec(amount),
        currency,
        name,
        product,
    )
}

type Spec<'a> = (
    LineKey,
    Option<DateTime<Utc>>,
    LineKind,
    Decimal,
    &'a str,
    &'a str,
    &'a str,
);

fn as_line<'a>(s: &Spec<'a>) -> BillLine<'a> {
    BillLine {
        key: s.0,
        usage_end: s.1,
        kind: s.2,
        amount: s.3,
        usage: Some(Decimal::ONE),
        unit: "Hrs",
        deductions: Default::default(),
        currency: s.4,
        provider: "huawei",
        bill_id: "ecs-1",
        rule: "as-is",
        resource_name: s.5,
        product: s.6,
        product_code: "",
        extras: None,
        billing_item: "",
        billing_mode: "",
    }
}

fn tally(lines: &[Spec<'_>]) -> Tally {
    let deleted = t("2026-10-10T02:30:00Z");
    let mut t = Tally::default();
    for l in lines {
        t.add(&as_line(l), deleted, Duration::zero());
    }
    t
}

fn sample() -> Vec<Spec<'static>> {
    use LineKind::*;
    vec![
        line(5, 0, 9, Usage, "3.46", "CNY", "", "ECS"),
        line(0, 0, 2, Usage, "1", "CNY", "web-1", "ECS"),
        line(2, 0, 4, Usage, "1.73", "CNY", "", "ECS"),
        line(3, 1, 3, Usage, "0.10000000", "USD", "web-b", "Elastic"),
        line(3, 0, 5, Usage, "3.46", "CNY", "", ""),
        line(4, 0, 6, Refund, "-31.50", "CNY", "", "ECS"),
        line(
            7,
            0,
            11,
            Usage,
            "999999999999999999.9999999999",
            "CNY",
            "",
            "",
        ),
        line(7, 0, 12, Usage, "0.0000000001", "CNY", "", "ECS-late"),
        line(8, 0, 13, Usage, "-0.5", "CNY", "", ""),
        line(9, 0, 14, Renewal, "45", "CNY", "", ""),
        line(6, 0, 10, Usage, "3.46", "CNY", "", ""),
        line(1, 0, 3, Usage, "2", "CNY", "web-2", "ECS"),
    ]
}

#[test]
fn amounts_by_hour_are_kept_only_when_asked_for() {
    let selected = Selected {
        norm_id: "ecs-1".into(),
        rule: "as-is".into(),
        hits: vec![DeletionIdx(0)],
    };
    let deleted = vec![t("2026-10-10T02:30:00Z")];
    let count = |counter: Counter| {
        let mut tallies = Tallies::default();
        for l in sample() {
            counter.count(&mut tallies, &selected, &as_line(&l));
        }
        tallies.get(DeletionIdx(0), "ecs-1").unwrap().clone()
    };
    let plain = count(Counter::new(deleted.clone(), Duration::zero()));
    assert!(plain.series.is_none());
    let utc = FixedOffset::east_opt(0).unwrap();
    let drawn = count(Counter::new(deleted, Duration::zero()).with_series(Some(utc)));
    let timeline = drawn
        .series
        .as_deref()
        .expect("kept for -f html")
        .timeline();
    // Every line of the sample is drawn, in its currency: hours 0-9, CNY and USD.
    let lines = |c: usize| -> u64 {
        timeline.currencies[c]
            .bars
            .iter()
            .flat_map(|b| &b.parts)
            .map(|p| p.lines)
            .sum()
    };
    assert_eq!(timeline.currencies.len(), 2);
    assert_eq!((lines(0), lines(1)), (11, 1));
    // Everything else is counted the same either way.
    assert_eq!(
        Tally {
            series: None,
            ..drawn
        },
        plain
    );
}

#[test]
fn merging_tallies_equals_the_tally_of_all_the_lines() {
    let lines = sample();
    let whole = tally(&lines);
    // Every cut, and the two halves in either order.
    for cut in 0..=lines.len() {
        let (a, b) = lines.split_at(cut);
        let mut m = tally(a);
        m.merge(&tally(b));
        assert_eq!(m, whole, "cut at {cut}");
        let mut r = tally(b);
        r.merge(&tally(a));
        assert_eq!(r, whole, "cut at {cut}, reversed");
    }
    let mut reversed = lines.clone();
    reversed.reverse();
    assert_eq!(tally(&reversed), whole);
}

#[test]
fn a_tally_reads_as_the_sorted_lines_do() {
    let w = tally(&sample());
    assert_eq!(w.lines, 12);
    // Hours 3.. start after the deletion at 02:30; hour 2 is the tail.
    assert_eq!(w.after().lines_after_deletion, 7);
    assert_eq!(w.tail_lines, 1);
    assert_eq!(w.tail_amount.amounts().display(), "CNY 1.73");
    let a = w.after().amount_after_deletion.amounts();
    // Exact: the 10^-10 completes the largest amount.
    assert_eq!(a.get("CNY"), Some(dec("1000000000000000055.38")));
    assert_eq!(a.get("USD"), Some(dec("0.1")));
    assert_eq!(w.usage_after_deletion(), Some(dec("7")));
    assert_eq!(w.after().usage_by_unit.amounts().display(), "Hrs 7.00");
    assert_eq!(w.refunds_after_deletion.amounts().display(), "CNY -32.00");
    assert_eq!(
        w.after().first_after_deletion,
        Some(t("2026-10-10T03:00:00Z"))
    );
    assert_eq!(
        w.after().last_after_deletion,
        Some(t("2026-10-10T09:00:00Z"))
    );
    assert_eq!(w.resource_name.as_ref().map(|p| &*p.1), Some("web-1"));
    assert_eq!(w.first_product.as_ref().map(|p| &*p.1), Some("ECS"));
    assert_eq!(w.last_product.as_ref().map(|p| &*p.1), Some("ECS-late"));
    assert_eq!(
        w.products.iter().collect::<Vec<_>>(),
        ["", "ECS", "ECS-late", "Elastic"]
    );
}

#[test]
fn sources_are_the_first_five_charges_by_time_input_and_line() {
    use LineKind::Usage;
    // What the lines are, and the cited (hour, input, line) expected.
    type Case<'a> = (&'a str, Vec<Spec<'a>>, &'a [(i64, u32, u64)]);
    let cases: &[Case<'_>] = &[
        (
            "fewer than five, out of order",
            vec![
                line(5, 0, 7, Usage, "1", "CNY", "", ""),
                line(3, 0, 5, Usage, "1", "CNY", "", ""),
            ],
            &[(3, 0, 5), (5, 0, 7)],
        ),
        (
            "same hour: input, then line",
            vec![
                line(4, 1, 2, Usage, "1", "CNY", "", ""),
                line(4, 0, 9, Usage, "1", "CNY", "", ""),
                line(4, 0, 3, Usage, "1", "CNY", "", ""),
            ],
            &[(4, 0, 3), (4, 0, 9), (4, 1, 2)],
        ),
        (
            "more than five: the earliest five",
            (0..9)
                .rev()
                .map(|i| line(3 + i, 0, 10 + i as u64, Usage, "1", "CNY", "", ""))
                .collect(),
            &[(3, 0, 10), (4, 0, 11), (5, 0, 12), (6, 0, 13), (7, 0, 14)],
        ),
        (
            "tail, refunds and earlier lines are never cited",
            vec![
                line(2, 0, 1, Usage, "1", "CNY", "", ""),
                line(3, 0, 2, LineKind::Refund, "-1", "CNY", "", ""),
                line(0, 0, 3, Usage, "1", "CNY", "", ""),
            ],
            &[],
        ),
    ];
    for (what, lines, want) in cases {
        let got: Vec<(i64, u32, u64)> = tally(lines)
            .after()
            .sources
            .iter()
            .map(|k| {
                (
                    (k.time - t("2026-10-10T00:00:00Z")).num_hours(),
                    k.input,
                    k.line,
                )
            })
            .collect();
        assert_eq!(got, *want, "{what}");
        // Split anywhere, merged: the same sources.
        for cut in 0..=lines.len() {
            let mut m = tally(&lines[..cut]);
            m.merge(&tally(&lines[cut..]));
            assert_eq!(
                m.after().sources,
                tally(lines).after().sources,
                "{what}, cut at {cut}"
            );
        }
    }
}

#[test]
fn names_and_products_come_from_the_first_and_last_lines_that_have_one() {
    use LineKind::Usage;
    // The lines, then the resource name, first product and last product expected.
    type Case<'a> = (
        &'a str,
        Vec<Spec<'a>>,
        Option<&'a str>,
        Option<&'a str>,
        Option<&'a str>,
    );
    let cases: &[Case<'_>] = &[
        (
            "first named line by time, not by reading order",
            vec![
                line(2, 0, 9, Usage, "1", "CNY", "late", "B"),
                line(1, 0, 8, Usage, "1", "CNY", "", "A"),
                line(0, 0, 20, Usage, "1", "CNY", "early", ""),
            ],
            Some("early"),
            Some("A"),
            Some("B"),
        ),
        (
            "same time: the lower input, then the lower line",
            vec![
                line(1, 1, 2, Usage, "1", "CNY", "in-1", "P1"),
                line(1, 0, 7, Usage, "1", "CNY", "in-0-l7", "P0b"),
                line(1, 0, 5, Usage, "1", "CNY", "in-0-l5", "P0a"),
            ],
            Some("in-0-l5"),
            Some("P0a"),
            Some("P1"),
        ),
        (
            "nothing named",
            vec![line(1, 0, 2, Usage, "1", "CNY", "", "")],
            None,
            None,
            None,
        ),
    ];
    for (what, lines, name, first, last) in cases {
        let got = tally(lines);
        let v = |p: &Picked| p.as_ref().map(|(_, v)| v.to_string());
        assert_eq!(v(&got.resource_name).as_deref(), *name, "{what}");
        assert_eq!(v(&got.first_product).as_deref(), *first, "{what}");
        assert_eq!(v(&got.last_product).as_deref(), *last, "{what}");
    }
}

#[test]
fn renumbering_moves_every_cited_line() {
    let mut a = tally(&sample());
    let mut want = a.clone();
    a.renumber(100);
    for k in want.after.iter_mut().flat_map(|a| &mut a.sources) {
        k.line += 100;
    }
    for p in [
        &mut want.resource_name,
        &mut want.first_product,
        &mut want.last_product,
    ]
    .into_iter()
    .flatten()
    {
        p.0.line += 100;
    }
    assert_eq!(a, want);
}

/// What a tally holds: its own bytes, what its vectors and strings allocate (by capacity),
/// 16 bytes of allocator overhead per allocation, and its slot in a scan's map.
fn footprint(t: &Tally) -> usize {
    let mut bytes = std::mem::size_of::<Tally>() + std::mem::size_of::<TallyKey>() + 8;
    let mut allocs = 1;
    if t.after.is_some() {
        bytes += std::mem::size_of::<After>();
        allocs += 1;
    }
    let after = t.after();
    for names in [&t.bill_ids, &t.rules, &t.providers, &t.products] {
        if let Values::Many(v, _) = &names.values {
            bytes += v.len() * std::mem::size_of::<Box<str>>();
            allocs += 1;
        }
        allocs += names.len();
        bytes += names.iter().map(str::len).sum::<usize>();
    }
    for (_, v) in [&t.resource_name, &t.first_product, &t.last_product]
        .into_iter()
        .flatten()
    {
        bytes += v.len();
        allocs += 1;
    }
    bytes += after.sources.capacity() * std::mem::size_of::<LineKey>();
    allocs += usize::from(after.sources.capacity() > 0);
    for sums in [
        &after.amount_after_deletion,
        &t.tail_amount,
        &t.refunds_after_deletion,
    ] {
        let (b, a) = sums.heap();
        bytes += b;
        allocs += a;
    }
    let (b, a) = after.usage_by_unit.heap();
    bytes += b;
    allocs += a;
    bytes += after.items.kept.capacity() * std::mem::size_of::<(ItemKey, ItemTally)>();
    allocs += usize::from(after.items.kept.capacity() > 0);
    for ((p, i, m), it) in &after.items.kept {
        bytes += p.len() + i.len() + m.len();
        allocs += 3;
        let (b, a) = it.amount.heap();
        bytes += b;
        allocs += a;
    }
    let (b, a) = after.items.other.amount.heap();
    bytes += b;
    allocs += a;
    assert!(t.unsub.is_none() && t.series.is_none() && after.deducted.is_none());
    bytes + 16 * allocs
}

/// Hour `h` after 2026-10-10T00:00Z, line `h + 2` of input 0, after the deletion at 02:30
/// from hour 3 on.
fn hourly<'a>(
    h: i64,
    bill_id: &'a str,
    product: &'a str,
    name: &'a str,
    amount: Decimal,
) -> BillLine<'a> {
    let start = t("2026-10-10T00:00:00Z") + Duration::hours(h);
    BillLine {
        key: LineKey {
            time: start,
            input: 0,
            line: h as u64 + 2,
        },
        usage_end: Some(start + Duration::hours(1)),
        kind: LineKind::Usage,
        amount,
        usage: Some(Decimal::ONE),
        unit: "Hour",
        deductions: Default::default(),
        currency: "CNY",
        provider: "huawei",
        bill_id,
        rule: "as-is",
        resource_name: name,
        product,
        product_code: "",
        billing_item: "duration",
        billing_mode: "按需",
        extras: None,
    }
}

#[test]
fn a_tally_is_small_and_stops_growing_however_many_lines_it_counts() {
    let deleted = t("2026-10-10T02:30:00Z");
    // A resource as exports bill it: one ID, name and product, an hourly charge. What its
    // tally holds once it has counted ten lines is all it ever holds.
    let id = "d1f0c9a4-51e2-4f7b-9a3c-2b8e6f1d0a57";
    let mut plain = Tally::default();
    let mut after_ten = 0;
    for h in 0..100_000 {
        // Exports write every amount of a column with the same decimals.
        let amount = Decimal::new(346_000_000 + h % 7, 8);
        plain.add(
            &hourly(h, id, "ECS", "web-1", amount),
            deleted,
            Duration::zero(),
        );
        if h == 9 {
            after_ten = footprint(&plain);
        }
    }
    assert_eq!(plain.lines, 100_000);
    assert_eq!(plain.after().sources.len(), SOURCES);
    assert_eq!(footprint(&plain), after_ten);
    // Inside the 2 KiB a deleted resource may cost, which also pays for its register row,
    // its entry in the matcher and its entry in the report (scripts/bench-register).
    // Its lines bill after the deletion, so it also keeps their usage by unit and their
    // billing item (issue 12), in a box of their own: 1,283 bytes (1,419 when each of its
    // five sums allocated its one scale, and the post-deletion part was not boxed).
    assert!(
        footprint(&plain) <= 1300,
        "{} bytes (a tally alone is {})",
        footprint(&plain),
        std::mem::size_of::<Tally>()
    );
    // Most deleted resources stop billing: their tallies keep no post-deletion part, 525
    // bytes (669 before that part was boxed).
    let mut stopped = Tally::default();
    for h in 0..100 {
        stopped.add(
            &hourly(h, id, "ECS", "web-1", Decimal::new(346_000_000, 8)),
            t("2026-12-01T00:00:00Z"),
            Duration::zero(),
        );
    }
    assert!(stopped.after.is_none());
    assert!(footprint(&stopped) <= 560, "{} bytes", footprint(&stopped));

    // A hostile export: a new bill ID, product and name on every line, and every scale a
    // decimal can have. The lists stop at NAMES values, the sums at one part per scale.
    let mut hostile = Tally::default();
    let mut at_cap = 0;
    let texts: Vec<(String, String, String)> = (0..100_000)
        .map(|i| {
            (
                format!("{id}-{i:08}"),
                format!("product-{:08}", 99_999 - i),
                format!("name-{i:08}"),
            )
        })
        .collect();
    for (h, (bill_id, product, name)) in texts.iter().enumerate() {
        let amount = Decimal::new(1, (h % 29) as u32);
        hostile.add(
            &hourly(h as i64, bill_id, product, name, amount),
            deleted,
            Duration::zero(),
        );
        if h == 999 {
            at_cap = footprint(&hostile);
        }
    }
    for names in [&hostile.bill_ids, &hostile.products] {
        assert_eq!(names.len(), NAMES);
        assert!(names.truncated());
    }
    // The smallest values are the ones kept, whatever order the lines came in.
    assert_eq!(hostile.products.iter().next(), Some("product-00000000"));
    assert_eq!(footprint(&hostile), at_cap, "grew after 1,000 lines");
}

#[test]
fn capped_names_merge_as_if_counted_together() {
    let deleted = t("2026-10-10T02:30:00Z");
    let ids: Vec<String> = (0..40)
        .map(|i| format!("id-{:02}", (i * 17) % 40))
        .collect();
    let tally = |range: std::ops::Range<usize>| {
        let mut t = Tally::default();
        for i in range {
            t.add(
                &hourly(i as i64, &ids[i], "ECS", "", Decimal::ONE),
                deleted,
                Duration::zero(),
            );
        }
        t
    };
    let whole = tally(0..40);
    assert_eq!(whole.bill_ids.len(), NAMES);
    for cut in [0, 1, 10, 16, 17, 30, 40] {
        let mut m = tally(0..cut);
        m.merge(&tally(cut..40));
        assert_eq!(m, whole, "cut at {cut}");
    }
    let few = tally(0..NAMES);
    assert!(!few.bill_ids.truncated());
}

#[test]
fn billing_items_past_the_limit_are_added_up_the_same_in_any_order() {
    let lines: Vec<(String, &str)> = (0..20)
        .map(|i| {
            (
                format!("item-{:02}", (i * 7) % 20),
                if i % 2 == 0 { "1.10" } else { "0.05" },
            )
        })
        .collect();
    let build = |order: &[usize], split: usize| {
        let mut a = Items::default();
        let mut b = Items::default();
        for (n, &i) in order.iter().enumerate() {
            let (item, amount) = &lines[i];
            let to = if n < split { &mut a } else { &mut b };
            to.add("ECS", item, "按需", "CNY", dec(amount));
        }
        a.merge(&b);
        a
    };
    let forward: Vec<usize> = (0..lines.len()).collect();
    let mut backward = forward.clone();
    backward.reverse();
    let whole = build(&forward, lines.len());
    assert_eq!(whole.kept.len(), ITEMS);
    // The first ITEMS items by name are kept; the other 12 lines are added up.
    assert_eq!(
        whole.kept.iter().map(|(k, _)| &*k.1).collect::<Vec<_>>(),
        (0..ITEMS)
            .map(|i| format!("item-{i:02}"))
            .collect::<Vec<_>>()
    );
    assert_eq!(whole.other.lines, 12);
    for split in [0, 3, 10, 20] {
        assert_eq!(build(&backward, split), whole, "split {split}");
        assert_eq!(build(&forward, split), whole, "split {split}");
    }
}
