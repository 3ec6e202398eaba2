//! The formats whose times are UTC and whose IDs are the cloud's own (AWS CUR, Azure cost
//! details, OCI cost reports): their resource IDs, regions and flavours, and their rows.
//!
//! The plan's resources keep their kinds (instance, volume, inference endpoint, notebook,
//! prepaid instance or volume) and are billed as the nearest thing each cloud has: EC2 and EBS,
//! SageMaker endpoints and notebook instances, EC2 reserved instances and Savings Plans (AWS);
//! virtual machines, managed disks, Machine Learning online endpoints and compute instances,
//! reservations (Azure); OCI instances, block volumes, Data Science model deployments and
//! notebook sessions. As in the other formats, an instance's system disk and its traffic bill
//! under the instance's own ID, so that deleting the instance stops all of its lines.
//!
//! Headers and cell spellings follow the real files in `../shared/realdata/` (the anonymized CUR
//! of `focus_converters`, the EA exports of `focus_converters` and the FinOps toolkit, OCI's
//! `reports_cost-csv_0000000030000269.csv`) and the column names billrecon's format specs bind
//! (`src/ingest/formats/{cur,azure,oci}.rs`).

use super::*;

pub(super) const DAY: i64 = 24 * HOUR;

const AWS_ACCOUNT: &str = "123456789012";
const AWS_REGIONS: [(&str, &str); 4] = [
    // (region, usage-type prefix): us-east-1's usage types have none.
    ("us-east-1", ""),
    ("eu-west-1", "EU-"),
    ("ap-northeast-1", "APN1-"),
    ("ap-southeast-1", "APS1-"),
];
const AZURE_REGIONS: [(&str, &str); 4] = [
    ("eastus", "US East"),
    ("westeurope", "EU West"),
    ("japaneast", "JA East"),
    ("southeastasia", "AP Southeast"),
];
const AZURE_SUBSCRIPTIONS: [&str; 2] = [
    "6f1c2a3b-4d5e-4f60-8a71-92b3c4d5e6f7",
    "0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d",
];
const AZURE_GROUPS: [&str; 3] = ["rg-ml-prod", "rg-web-prod", "rg-data"];
const OCI_REGIONS: [(&str, &str); 4] = [
    // (region, availability domain as the cost report writes it: `us-sanjose-1`'s is `sj-1`)
    ("us-ashburn-1", "iad-1"),
    ("eu-frankfurt-1", "fra-1"),
    ("ap-tokyo-1", "nrt-1"),
    ("ap-singapore-1", "sin-1"),
];
const OCI_TENANCY: &str =
    "ocid1.tenancy.oc1..aaaaaaaa5x2kqtb7mzr3wq4lfdn6yhc2ve7pjgs4ub3ox5ai6rk2lq7dnhma";
const OCI_COMPARTMENT: &str =
    "ocid1.compartment.oc1..aaaaaaaaq3n7ycx5l2rbe6vzk4thw7mfo2sa5pgdu3ij6ey4rnc7xbqwla";
const OCI_SUBSCRIPTION: &str =
    "ocid1.organizationssubscription.oc1.iad.amaaaaaa7tkq2r5xw3bzv6yml4ncd2fhs7ou5pejga3ki6rt";

impl Format {
    /// Times are UTC: the billing month starts at UTC midnight, not at UTC+08:00's.
    pub(super) fn utc_month(self) -> bool {
        matches!(self, Format::Cur | Format::Azure | Format::Oci)
    }

    /// One line per resource, meter and UTC day (Azure cost details), not per hour.
    pub(super) fn daily(self) -> bool {
        self == Format::Azure
    }
}

/// The bill ID of a resource in a native format; `name` is its display name.
pub(super) fn native_id(
    format: Format,
    kind: Kind,
    region: usize,
    name: &str,
    rng: &mut Rng,
) -> String {
    let mut s = String::new();
    match format {
        Format::Cur => {
            let (region, _) = AWS_REGIONS[region];
            match kind {
                Kind::Ecs => {
                    s.push_str("i-0");
                    rng.hex(&mut s, 16);
                }
                Kind::Evs => {
                    s.push_str("vol-0");
                    rng.hex(&mut s, 16);
                }
                Kind::MaService => {
                    s = format!("arn:aws:sagemaker:{region}:{AWS_ACCOUNT}:endpoint/{name}")
                }
                Kind::Notebook => {
                    s = format!("arn:aws:sagemaker:{region}:{AWS_ACCOUNT}:notebook-instance/{name}")
                }
                Kind::EcsMonthly => {
                    s = format!(
                        "arn:aws:ec2:{region}:{AWS_ACCOUNT}:reserved-instances/{}",
                        rng.uuid()
                    )
                }
                Kind::EvsMonthly => {
                    s = format!(
                        "arn:aws:savingsplans::{AWS_ACCOUNT}:savingsplan/{}",
                        rng.uuid()
                    )
                }
            }
        }
        Format::Azure => {
            let sub = rng.pick(&AZURE_SUBSCRIPTIONS);
            let rg = rng.pick(&AZURE_GROUPS);
            let arm = format!("/subscriptions/{sub}/resourceGroups/{rg}/providers/");
            s = match kind {
                Kind::Ecs => format!("{arm}Microsoft.Compute/virtualMachines/{name}"),
                Kind::Evs => format!("{arm}Microsoft.Compute/disks/{name}"),
                Kind::MaService => format!(
                    "{arm}Microsoft.MachineLearningServices/workspaces/mlw-prod/onlineEndpoints/{name}"
                ),
                Kind::Notebook => format!(
                    "{arm}Microsoft.MachineLearningServices/workspaces/mlw-prod/computes/{name}"
                ),
                // A reservation's lines are billed under its order, not under a subscription.
                Kind::EcsMonthly | Kind::EvsMonthly => format!(
                    "/providers/Microsoft.Capacity/reservationOrders/{}/reservations/{}",
                    rng.uuid(),
                    rng.uuid()
                ),
            };
        }
        _ => {
            let kind = match kind {
                Kind::Ecs => "instance",
                Kind::Evs | Kind::EvsMonthly => "volume",
                Kind::MaService => "datasciencemodeldeployment",
                Kind::Notebook => "datasciencenotebooksession",
                Kind::EcsMonthly => "dedicatedvmhost",
            };
            let _ = write!(s, "ocid1.{kind}.oc1.{}.an", OCI_REGIONS[region].0);
            rng.alnum(&mut s, 58);
        }
    }
    s
}

/// What the register names a deleted resource by: what its console shows. AWS's consoles name
/// a SageMaker endpoint by its name, a reservation or Savings Plan by its ID, where the bill
/// writes ARNs; the other IDs are written as the bill writes them.
pub(super) fn register_id(format: Format, r: &Res) -> String {
    match (format, r.kind) {
        (Format::Cur, Kind::MaService) => r.name.clone(),
        (Format::Cur, Kind::EcsMonthly | Kind::EvsMonthly) => {
            r.ids[0].rsplit('/').next().unwrap_or("").to_string()
        }
        _ => r.ids[0].clone(),
    }
}

/// An ID in the cloud's spelling that no line mentions.
pub(super) fn absent_id(format: Format, rng: &mut Rng) -> String {
    let mut name = String::from("vm-gone-");
    rng.hex(&mut name, 6);
    native_id(format, Kind::Ecs, rng.below(4) as usize, &name, rng)
}

/// The register's `product` cell.
pub(super) fn register_product(format: Format, kind: Kind) -> &'static str {
    match (format, kind) {
        (Format::Cur, Kind::Ecs | Kind::Evs | Kind::EcsMonthly) => "AmazonEC2",
        (Format::Cur, Kind::EvsMonthly) => "ComputeSavingsPlans",
        (Format::Cur, _) => "AmazonSageMaker",
        (Format::Azure, Kind::Ecs) => "Virtual Machines",
        (Format::Azure, Kind::Evs) => "Storage",
        (Format::Azure, Kind::EcsMonthly | Kind::EvsMonthly) => "Reservations",
        (Format::Azure, _) => "Azure Machine Learning",
        (_, Kind::Ecs | Kind::EcsMonthly) => "COMPUTE",
        (_, Kind::Evs | Kind::EvsMonthly) => "BLOCK_STORAGE",
        (_, _) => "DATA_SCIENCE",
    }
}

/// The cloud's instance type or volume type for a plan's flavour.
fn flavour(format: Format, spec: &str) -> &'static str {
    let i = match spec {
        "s6.large.2" | "SSD" | "modelarts.vm.cpu.2u" => 0,
        "c7.xlarge.2" | "GPSSD" | "modelarts.vm.gpu.t4" => 1,
        "m7.2xlarge.8" | "SAS" | "modelarts.vm.ai1.a300" => 2,
        "p2s.2xlarge.8" | "ESSD" | "modelarts.vm.cpu.8u" => 3,
        _ => 4,
    };
    let disk = matches!(spec, "SSD" | "GPSSD" | "SAS" | "ESSD");
    let ml = spec.starts_with("modelarts");
    let table: [&str; 5] = match (format, disk, ml) {
        (Format::Cur, true, _) => ["gp3", "gp2", "st1", "io2", "gp3"],
        (Format::Cur, _, true) => [
            "ml.m5.large",
            "ml.g4dn.xlarge",
            "ml.inf1.xlarge",
            "ml.m5.2xlarge",
            "ml.p3.2xlarge",
        ],
        (Format::Cur, _, _) => [
            "m5.large",
            "c6i.xlarge",
            "r6i.2xlarge",
            "p3.2xlarge",
            "g4dn.xlarge",
        ],
        (Format::Azure, true, _) => [
            "P10 LRS Disk",
            "E10 LRS Disk",
            "S10 LRS Disk",
            "P30 LRS Disk",
            "P10 LRS Disk",
        ],
        (Format::Azure, _, _) => ["D2s v3", "NC4as T4 v3", "F8s v2", "D8s v3", "NC6s v3"],
        (_, true, _) => [
            "Block Volume - Performance Units",
            "Block Volume - Storage",
            "Block Volume - Storage",
            "Block Volume - Performance Units",
            "Block Volume - Storage",
        ],
        (_, _, _) => [
            "Compute - Standard - E4 - OCPU",
            "Compute - GPU Standard - A10",
            "Compute - Standard - E5 - OCPU",
            "Compute - Optimized - X9 - OCPU",
            "Compute - GPU Standard - V100",
        ],
    };
    table[i]
}

/// Where a written line's usage window (else its charge) starts, in plan seconds: what the
/// reader compares with a deletion. Refunds are money back, never a charge: `None`.
pub(super) fn charged_from(format: Format, row: &Row) -> Option<i64> {
    let at = match *row {
        Row::Usage { hour, .. } => i64::from(hour) * HOUR,
        Row::Order {
            order: OrderKind::Refund,
            ..
        } => return None,
        // OCI's intervals start on the hour.
        Row::Order { at, .. } if format == Format::Oci => at / HOUR * HOUR,
        Row::Order { at, .. } => at,
    };
    Some(if format.daily() { at / DAY * DAY } else { at })
}

impl Res {
    /// Rows of a plan unit: an hour, or for daily formats a UTC day whose usage rows are the
    /// day's hours summed per usage type and bill ID (orders are kept as they are).
    pub(super) fn unit_rows(&self, seed: u64, format: Format, unit: u32, out: &mut Vec<Row>) {
        if !format.daily() {
            return self.rows(seed, unit, out);
        }
        let first = out.len();
        let mut hours = Vec::new();
        for h in unit * 24..unit * 24 + 24 {
            self.rows(seed, h, &mut hours);
        }
        for row in hours {
            let Row::Usage {
                usage,
                used,
                traffic,
                id,
                ..
            } = row
            else {
                out.push(row);
                continue;
            };
            let same = out[first..].iter_mut().find(
                |r| matches!(r, Row::Usage { usage: u, id: i, .. } if *u == usage && *i == id),
            );
            match same {
                Some(Row::Usage {
                    used: u,
                    traffic: t,
                    ..
                }) => {
                    *u += used;
                    *t += traffic;
                }
                _ => {
                    let mut row = row;
                    if let Row::Usage { hour, .. } = &mut row {
                        *hour = unit * 24;
                    }
                    out.push(row);
                }
            }
        }
    }
}

impl Clock {
    /// `YYYY-MM-DDTHH:MM:SS.000Z` (CUR).
    fn push_utc_ms(&self, out: &mut Vec<u8>, sec: i64) {
        push_datetime(out, self.start_local + sec - TZ_SECONDS, b'T', false);
        out.extend_from_slice(b".000Z");
    }

    /// `YYYY-MM-DDTHH:MMZ`: OCI writes interval starts without seconds.
    fn push_utc_minutes(&self, out: &mut Vec<u8>, sec: i64) {
        self.push_utc(out, sec);
        let n = out.len();
        out.drain(n - 4..n - 1);
    }

    /// `MM/DD/YYYY` of the UTC day (Azure's US-locale dates).
    fn push_us_date(&self, out: &mut Vec<u8>, sec: i64) {
        let (y, m, d) = civil_from_days((self.start_local + sec - TZ_SECONDS).div_euclid(86_400));
        push_num(out, u64::from(m), 2);
        out.push(b'/');
        push_num(out, u64::from(d), 2);
        out.push(b'/');
        push_num(out, y as u64, 4);
    }
}

/// A cheap stand-in for a line's unique reference, from its transaction number.
fn push_ref(out: &mut Vec<u8>, txn: u64, n: usize) {
    const A: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut rng = Rng::new(txn);
    for _ in 0..n {
        out.push(A[rng.below(36) as usize]);
    }
}

pub(super) const CUR_HEADER: &str = "identity/LineItemId,identity/TimeInterval,bill/InvoiceId,bill/BillingEntity,bill/BillType,bill/PayerAccountId,bill/BillingPeriodStartDate,bill/BillingPeriodEndDate,lineItem/UsageAccountId,lineItem/LineItemType,lineItem/UsageStartDate,lineItem/UsageEndDate,lineItem/ProductCode,lineItem/UsageType,lineItem/Operation,lineItem/AvailabilityZone,lineItem/ResourceId,lineItem/UsageAmount,lineItem/CurrencyCode,lineItem/UnblendedRate,lineItem/UnblendedCost,lineItem/BlendedRate,lineItem/BlendedCost,lineItem/LineItemDescription,product/ProductName,product/instanceType,product/productFamily,product/region,pricing/term,pricing/unit\n";

pub(super) const AZURE_HEADER: &str = "InvoiceSectionName,AccountName,AccountOwnerId,SubscriptionId,SubscriptionName,ResourceGroup,ResourceLocation,Date,ProductName,MeterCategory,MeterSubCategory,MeterId,MeterName,MeterRegion,UnitOfMeasure,Quantity,EffectivePrice,CostInBillingCurrency,CostCenter,ConsumedService,ResourceId,Tags,OfferId,AdditionalInfo,ServiceInfo1,ServiceInfo2,ResourceName,ReservationId,ReservationName,UnitPrice,ProductOrderId,ProductOrderName,Term,PublisherType,PublisherName,ChargeType,Frequency,PricingModel,AvailabilityZone,BillingAccountId,BillingAccountName,BillingCurrencyCode,BillingPeriodStartDate,BillingPeriodEndDate,BillingProfileId,BillingProfileName,InvoiceSectionId,IsAzureCreditEligible,PartNumber,PayGPrice,PlanName,ServiceFamily,CostAllocationRuleName,benefitId,benefitName\n";

pub(super) const OCI_HEADER: &str = "lineItem/referenceNo,lineItem/tenantId,lineItem/intervalUsageStart,lineItem/intervalUsageEnd,product/service,product/compartmentId,product/compartmentName,product/region,product/availabilityDomain,product/resourceId,usage/billedQuantity,usage/billedQuantityOverage,cost/subscriptionId,cost/productSku,product/Description,cost/unitPrice,cost/unitPriceOverage,cost/myCost,cost/myCostOverage,cost/currencyCode,cost/billingUnitReadable,cost/skuUnitDescription,cost/overageFlag,lineItem/isCorrection,lineItem/backreferenceNo,tags/Oracle-Tags.CreatedBy\n";

impl Writer {
    pub(super) fn cur(&mut self, res: &Res, row: &Row) {
        let clock = self.clock;
        let m = Self::money(res, row);
        let (region, prefix) = AWS_REGIONS[res.region];
        let (start, end, txn) = match *row {
            Row::Usage { hour, txn, .. } => {
                let hs = i64::from(hour) * HOUR;
                (hs, hs + HOUR, txn)
            }
            // The order's own hour, not the month it pays for (see `focus`).
            Row::Order { at, txn, .. } => (at, (at / HOUR + 1) * HOUR, txn),
        };
        push_ref(&mut self.buf, txn, 52);
        self.c();
        clock.push_utc(&mut self.buf, start / HOUR * HOUR);
        self.buf.push(b'/');
        clock.push_utc(&mut self.buf, end);
        self.s(",,AWS,Anniversary,");
        self.cell(AWS_ACCOUNT);
        clock.push_utc_ms(&mut self.buf, 0);
        self.c();
        clock.push_utc_ms(&mut self.buf, i64::from(self.month_hours) * HOUR);
        self.c();
        self.cell(AWS_ACCOUNT);
        let ty = flavour(Format::Cur, res.spec);
        let sagemaker = matches!(res.kind, Kind::MaService | Kind::Notebook);
        match *row {
            Row::Usage { usage, .. } => {
                self.cell("Usage");
                clock.push_utc_ms(&mut self.buf, start);
                self.c();
                clock.push_utc_ms(&mut self.buf, end);
                self.c();
                self.cell(if sagemaker {
                    "AmazonSageMaker"
                } else {
                    "AmazonEC2"
                });
                self.s(prefix);
                let (family, unit) = match (res.kind, usage) {
                    (_, Usage::Upflow) => {
                        self.s("DataTransfer-Out-Bytes,RunInstances,");
                        ("Data Transfer", "GB")
                    }
                    (Kind::MaService, _) => {
                        self.s("Host:");
                        self.s(ty);
                        self.s(",RunInstance,");
                        ("ML Instance", "Hrs")
                    }
                    (Kind::Notebook, Usage::Duration) => {
                        self.s("Notebk:");
                        self.s(ty);
                        self.s(",RunInstance,");
                        ("ML Instance", "Hrs")
                    }
                    (Kind::Notebook, _) => {
                        self.s("Notebk:VolumeUsage.gp2,RunInstance,");
                        ("ML Storage", "GB-Hrs")
                    }
                    (Kind::Ecs, Usage::Duration) => {
                        self.s("BoxUsage:");
                        self.s(ty);
                        self.s(",RunInstances,");
                        ("Compute Instance", "Hrs")
                    }
                    (Kind::Ecs, _) => {
                        self.s("EBS:VolumeUsage.gp3,CreateVolume-Gp3,");
                        ("Storage", "GB-Hrs")
                    }
                    _ => {
                        self.s("EBS:VolumeUsage.");
                        self.s(ty);
                        self.s(",CreateVolume,");
                        ("Storage", "GB-Hrs")
                    }
                };
                self.s(region);
                self.s("a,");
                self.cell(&res.ids[0]);
                push_qty(&mut self.buf, m.qty);
                self.s(",USD,");
                self.cur_money(&m);
                match usage {
                    Usage::Duration => {
                        self.s("On Demand ");
                        self.s(ty);
                        self.s(" Instance Hour,");
                    }
                    Usage::Capacity => self.s("Provisioned storage,"),
                    Usage::Upflow => self.s("Data transfer out to the internet,"),
                }
                self.cell(if sagemaker {
                    "Amazon SageMaker"
                } else {
                    "Amazon Elastic Compute Cloud"
                });
                self.cell(if usage == Usage::Duration { ty } else { "" });
                self.cell(family);
                self.cell(region);
                self.s("OnDemand,");
                self.s(unit);
            }
            Row::Order { order, .. } => {
                let ri = res.kind == Kind::EcsMonthly;
                self.cell(match (order, ri) {
                    (OrderKind::Refund, _) => "Refund",
                    (_, true) => "RIFee",
                    (_, false) => "SavingsPlanRecurringFee",
                });
                clock.push_utc_ms(&mut self.buf, start);
                self.c();
                clock.push_utc_ms(&mut self.buf, end);
                self.c();
                if ri {
                    self.s("AmazonEC2,");
                    self.s(prefix);
                    self.s("HeavyUsage:");
                    self.s(ty);
                    self.s(",RunInstances,,");
                } else {
                    self.s("ComputeSavingsPlans,ComputeSP:1yrNoUpfront,,,");
                }
                self.cell(&res.ids[0]);
                self.s("1,USD,");
                self.cur_money(&m);
                self.cell(match (order, ri) {
                    (OrderKind::Refund, _) => "Refund of an unused commitment",
                    (_, true) => "Reserved instance fee",
                    (_, false) => "Savings Plan recurring fee",
                });
                self.cell(if ri {
                    "Amazon Elastic Compute Cloud"
                } else {
                    "Savings Plans for AWS Compute usage"
                });
                self.cell(if ri { ty } else { "" });
                self.s(",");
                self.cell(region);
                self.s(if ri {
                    "Reserved,Hrs"
                } else {
                    "Savings Plan,Hrs"
                });
            }
        }
    }

    /// UnblendedRate, UnblendedCost, BlendedRate, BlendedCost: AWS writes ten decimals.
    fn cur_money(&mut self, m: &Money) {
        for v in [m.unit_price, m.due, m.unit_price, m.due] {
            push_fixed(&mut self.buf, v, 8);
            self.s("00,");
        }
    }

    pub(super) fn azure(&mut self, res: &Res, row: &Row) {
        let clock = self.clock;
        let m = Self::money(res, row);
        let (location, meter_region) = AZURE_REGIONS[res.region];
        let id = &res.ids[0];
        let reservation = matches!(res.kind, Kind::EcsMonthly | Kind::EvsMonthly);
        // `/subscriptions/<sub>/resourceGroups/<rg>/…`; reservations have neither.
        let mut parts = id.split('/');
        let (sub, rg) = match (parts.nth(2), parts.nth(1)) {
            (Some(s), Some(g)) if !reservation => (s, g),
            _ => (AZURE_SUBSCRIPTIONS[0], ""),
        };
        self.s("Engineering,acme-prod,billing@acme.example,");
        self.cell(sub);
        self.s("acme-prod,");
        self.cell(rg);
        self.cell(location);
        let day = match *row {
            Row::Usage { hour, .. } => i64::from(hour) * HOUR,
            Row::Order { at, .. } => at / DAY * DAY,
        };
        clock.push_us_date(&mut self.buf, day);
        self.c();
        let ty = flavour(Format::Azure, res.spec);
        let usage = match *row {
            Row::Usage { usage, .. } => Some(usage),
            Row::Order { .. } => None,
        };
        // ProductName, MeterCategory, MeterSubCategory, MeterId, MeterName, MeterRegion,
        // UnitOfMeasure; ConsumedService; ServiceFamily.
        let (category, sub_category, meter_id, meter, unit, service, family) =
            match (res.kind, usage) {
                (_, Some(Usage::Upflow)) => (
                    "Bandwidth",
                    "Inter-Region",
                    "9995d93a-7d35-4d3f-9c69-7a7fea447ef4",
                    "Standard Data Transfer Out",
                    "1 GB",
                    "Microsoft.Network",
                    "Networking",
                ),
                (_, None) => (
                    "Virtual Machines",
                    "Reservation-Base VM",
                    "f31064a2-ed95-4e11-8b69-270f2fc4fbdd",
                    ty,
                    "1 Hour",
                    "Microsoft.Capacity",
                    "Compute",
                ),
                (Kind::Ecs, Some(Usage::Duration)) => (
                    "Virtual Machines",
                    "Dsv3 Series",
                    "0f2ad0ac-46a5-4c9f-9b1e-b2d5c1d2e3f4",
                    ty,
                    "1 Hour",
                    "Microsoft.Compute",
                    "Compute",
                ),
                (Kind::Ecs | Kind::Evs, _) => (
                    "Storage",
                    "Premium SSD Managed Disks",
                    "8f6a3c1e-2b4d-4e5f-a6b7-c8d9e0f1a2b3",
                    if res.kind == Kind::Evs {
                        ty
                    } else {
                        "P10 LRS Disk"
                    },
                    "1 GB/Hour",
                    "Microsoft.Compute",
                    "Storage",
                ),
                (_, Some(Usage::Duration)) => (
                    "Azure Machine Learning",
                    "Online Endpoints",
                    "3c7d8e9f-0a1b-4c2d-8e3f-4a5b6c7d8e9f",
                    ty,
                    "1 Hour",
                    "Microsoft.MachineLearningServices",
                    "AI + Machine Learning",
                ),
                _ => (
                    "Storage",
                    "Standard SSD Managed Disks",
                    "5e4d3c2b-1a09-4f8e-b7d6-c5b4a3928170",
                    "E10 LRS Disk",
                    "1 GB/Hour",
                    "Microsoft.MachineLearningServices",
                    "Storage",
                ),
            };
        self.s(category);
        self.s(" ");
        self.s(sub_category);
        self.s(" - ");
        self.s(meter);
        self.s(" - ");
        self.s(meter_region);
        self.c();
        self.cell(category);
        self.cell(sub_category);
        self.cell(meter_id);
        self.cell(meter);
        self.cell(meter_region);
        self.cell(unit);
        if reservation {
            self.s("1,");
            push_fixed(&mut self.buf, m.due, 8);
        } else {
            push_qty(&mut self.buf, m.qty);
            self.c();
            push_fixed(
                &mut self.buf,
                m.unit_price * (1000 - res.discount) / 1000,
                8,
            );
        }
        self.c();
        push_fixed(&mut self.buf, m.due, 8);
        self.s(",,");
        self.cell(service);
        self.cell(id);
        // Tags as Azure writes them: JSON members without the braces.
        if let Some(members) = res
            .tag_focus
            .strip_prefix("\"{")
            .and_then(|t| t.strip_suffix("}\""))
        {
            self.s("\"");
            self.s(members);
            self.s("\"");
        }
        self.s(",MS-AZR-0017P,");
        if usage == Some(Usage::Duration) && res.kind == Kind::Ecs {
            self.s("\"{\"\"ServiceType\"\":\"\"Standard_");
            self.s(&ty.replace(' ', "_"));
            self.s("\"\"}\"");
        }
        self.s(",,,");
        self.cell(&res.name);
        let order_id = if reservation {
            id.split('/').nth(4).unwrap_or("")
        } else {
            ""
        };
        self.cell(order_id);
        self.c();
        push_fixed(&mut self.buf, m.unit_price, 8);
        self.c();
        self.cell(order_id);
        self.s(if reservation { ",12," } else { ",," });
        self.s("Azure,Microsoft,");
        let (charge, frequency, model) = match *row {
            Row::Usage { .. } => ("Usage", "UsageBased", "OnDemand"),
            Row::Order {
                order: OrderKind::Refund,
                ..
            } => ("Refund", "OneTime", "Reservation"),
            Row::Order { .. } => ("Purchase", "Recurring", "Reservation"),
        };
        self.cell(charge);
        self.cell(frequency);
        self.cell(model);
        self.s(",12345678,Acme Corp,USD,");
        clock.push_us_date(&mut self.buf, 0);
        self.c();
        clock.push_us_date(&mut self.buf, i64::from(self.month_hours) * HOUR - DAY);
        self.s(",12345678,Acme Corp,,TRUE,,");
        push_fixed(&mut self.buf, m.unit_price, 8);
        self.s(",,");
        self.cell(family);
        self.s(",,");
    }

    pub(super) fn oci(&mut self, res: &Res, row: &Row) {
        let clock = self.clock;
        let m = Self::money(res, row);
        let (start, txn) = match *row {
            Row::Usage { hour, txn, .. } => (i64::from(hour) * HOUR, txn),
            Row::Order { at, txn, .. } => (at / HOUR * HOUR, txn),
        };
        push_ref(&mut self.buf, txn, 32);
        self.c();
        self.cell(OCI_TENANCY);
        clock.push_utc_minutes(&mut self.buf, start);
        self.c();
        clock.push_utc(&mut self.buf, start + HOUR);
        self.c();
        let usage = match *row {
            Row::Usage { usage, .. } => Some(usage),
            Row::Order { .. } => None,
        };
        let compute = matches!(res.kind, Kind::Ecs | Kind::EcsMonthly);
        let service = match (res.kind, usage) {
            (_, Some(Usage::Upflow)) => "NETWORK",
            // The boot volume, billed under its instance.
            (Kind::Ecs, Some(Usage::Capacity)) => "BLOCK_STORAGE",
            (Kind::Ecs | Kind::EcsMonthly, _) => "COMPUTE",
            (Kind::Evs | Kind::EvsMonthly, _) => "BLOCK_STORAGE",
            _ => "DATA_SCIENCE",
        };
        self.cell(service);
        self.cell(OCI_COMPARTMENT);
        self.s("acme-prod,");
        let (region, domain) = OCI_REGIONS[res.region];
        self.cell(region);
        // Regional services (block volumes, Data Science) have no availability domain.
        if compute {
            self.s(domain);
        }
        self.c();
        self.cell(&res.ids[0]);
        match usage {
            Some(_) => push_qty(&mut self.buf, m.qty),
            None => self.s("1"),
        }
        self.s(",,");
        self.cell(OCI_SUBSCRIPTION);
        let (sku, description, unit, sku_unit) = match usage {
            Some(Usage::Upflow) => (
                "B88327",
                "Networking - Outbound Data Transfer",
                "1 GiB NONE DATA_TRANSFER",
                "GB",
            ),
            Some(Usage::Capacity) => (
                "B91961",
                "Block Volume - Storage",
                "1 GiB HOURS STORAGE_SIZE",
                "GB Hours",
            ),
            Some(Usage::Duration) => (
                "B93113",
                flavour(Format::Oci, res.spec),
                "1 NONE HOURS INSTANCE",
                "OCPU Per Hour",
            ),
            None => (
                "B92740",
                if compute {
                    "Compute - Dedicated VM Host"
                } else {
                    "Block Volume - Storage"
                },
                "1 NONE MONTHS INSTANCE",
                "Months",
            ),
        };
        self.cell(sku);
        self.cell(description);
        // OCI writes eighteen decimals.
        push_fixed(&mut self.buf, m.unit_price, 8);
        self.s("0000000000,,");
        push_fixed(&mut self.buf, m.due, 8);
        self.s("0000000000,,USD,");
        self.cell(unit);
        self.cell(sku_unit);
        self.s("false,");
        let correction = matches!(row, Row::Order { order, .. } if *order == OrderKind::Refund);
        // A refund is a correction of the order it undoes, named by its reference.
        if correction {
            self.s("true,");
            push_num(&mut self.buf, txn % 100_000, 5);
        } else {
            self.s("false,");
        }
        self.c();
        if !res.tag_focus.is_empty() {
            self.s("default/ops@acme.example");
        }
    }
}
