//! The fixed vocabulary of the demo: organisations, groups, people's names,
//! services and the incident stories told about them.
//!
//! Texts may hold `{a|b|c}` (one of the choices) and `{name}` (one of the
//! [`VARS`] lists, or the requester's first name for `{first}`). Within one
//! incident the same braces always pick the same choice, so a title and its
//! description agree; see [`fill`].

use super::rng::mix;

/// Name, e-mail domain, and whether its people mostly have Polish names.
pub(super) const ORGANISATIONS: [(&str, &str, bool); 6] = [
    ("Contoso Retail", "contoso-retail.example", false),
    ("Northwind Logistics", "northwind.example", false),
    ("Fabrikam Health", "fabrikam-health.example", false),
    ("Vistula Manufacturing", "vistula-mfg.example", true),
    ("Baltic Freight Sp. z o.o.", "baltic-freight.example", true),
    ("Internal IT", "steward-it.example", false),
];
/// The organisation staff belong to (an index into [`ORGANISATIONS`]).
pub(super) const STAFF_ORG: usize = 5;

pub(super) const SERVICE_DESK: &str = "Service Desk";
pub(super) const GROUPS: [(&str, &str); 8] = [
    (SERVICE_DESK, "First line: takes every call, chat and e-mail, fixes what it can, routes the rest."),
    ("Network", "LAN, Wi-Fi, VPN, firewalls and telephony."),
    ("Database", "SQL Server and PostgreSQL estates, backups, performance."),
    ("Windows Servers", "Active Directory, file and print servers, Windows application hosts."),
    ("Linux Servers", "Linux hosts, the web shop platform, load balancers."),
    ("Applications", "ERP, CRM, payroll and Microsoft 365 application support."),
    ("Identity & Access", "Accounts, single sign-on, MFA and access reviews."),
    ("End User Computing", "Laptops, printers, peripherals and desk-side support."),
];

/// (display name, Polish) for agents; the first is the `agent` demo login.
pub(super) const AGENTS: [(&str, bool); 25] = [
    ("Alex Morgan", false),
    ("Olivia Bennett", false),
    ("James Carter", false),
    ("Sophie Turner", false),
    ("Daniel Hughes", false),
    ("Emily Walsh", false),
    ("Ryan Fletcher", false),
    ("Hannah Price", false),
    ("Liam O'Connor", false),
    ("Grace Whitfield", false),
    ("Noah Sinclair", false),
    ("Chloe Armstrong", false),
    ("Piotr Kowalski", true),
    ("Anna Wiśniewska", true),
    ("Marcin Lewandowski", true),
    ("Katarzyna Wójcik", true),
    ("Tomasz Kamiński", true),
    ("Agnieszka Zielińska", true),
    ("Michał Szymański", true),
    ("Magdalena Dąbrowska", true),
    ("Paweł Kozłowski", true),
    ("Joanna Jankowska", true),
    ("Krzysztof Mazur", true),
    ("Ewa Krawczyk", true),
    ("Łukasz Piotrowski", true),
];
/// Managers; the first is the `manager` demo login.
pub(super) const MANAGERS: [(&str, bool); 2] = [("Helen Ashworth", false), ("Grzegorz Wróbel", true)];
pub(super) const ADMIN: (&str, bool) = ("Robert Nowicki", true);
/// The `requester` demo login, in the first organisation.
pub(super) const REQUESTER: (&str, bool) = ("Emma Clarke", false);

pub(super) const EN_FIRST: [&str; 20] = [
    "Oliver", "Amelia", "George", "Isla", "Harry", "Ava", "Jack", "Mia", "Charlie", "Lily", "Thomas", "Freya",
    "William", "Ella", "Samuel", "Ruby", "Henry", "Evie", "Joseph", "Poppy",
];
pub(super) const EN_LAST: [&str; 20] = [
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright", "Thompson",
    "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke",
];
/// Polish first names, women's first, so the surname can agree in gender.
pub(super) const PL_FIRST_F: [&str; 10] =
    ["Zofia", "Maria", "Julia", "Aleksandra", "Natalia", "Barbara", "Monika", "Karolina", "Dorota", "Beata"];
pub(super) const PL_FIRST_M: [&str; 10] =
    ["Jan", "Adam", "Jakub", "Wojciech", "Andrzej", "Stanisław", "Marek", "Rafał", "Dariusz", "Bartosz"];
/// Men's forms; `-ski`/`-cki` become `-ska`/`-cka` for women.
pub(super) const PL_LAST: [&str; 16] = [
    "Nowak",
    "Wiśniewski",
    "Wójcik",
    "Kowalczyk",
    "Kamiński",
    "Lewandowski",
    "Zieliński",
    "Szymański",
    "Woźniak",
    "Dąbrowski",
    "Kozłowski",
    "Mazur",
    "Jankowski",
    "Kwiatkowski",
    "Wawrzyniak",
    "Sikorski",
];

/// Named choice lists usable as `{name}` in texts.
const VARS: [(&str, &str); 5] = [
    ("site", "Warsaw HQ|Gdańsk warehouse|Leeds office|Kraków branch|Manchester DC|Poznań plant"),
    ("floor", "1st|2nd|3rd|4th|5th"),
    ("hour", "8|9|10|11|13|14"),
    ("team", "finance|logistics|sales|customer service|HR"),
    // Article numbers, written with the configured prefix (see `fill`).
    ("kb", "1012|1187|1240|1302|1455"),
];

/// One kind of incident that keeps happening.
pub(super) struct Template {
    pub service: &'static str,
    pub category: &'static str,
    /// The resolver group when the service desk cannot fix it.
    pub group: &'static str,
    /// How often it happens relative to the others.
    pub weight: u32,
    pub title: &'static str,
    pub description: &'static str,
    /// Resolution notes when it was solved.
    pub fix: &'static str,
    /// A work note the resolver writes along the way.
    pub note: &'static str,
}

macro_rules! t {
    ($service:literal, $category:literal, $group:literal, $weight:literal, $title:literal, $description:literal, $fix:literal, $note:literal) => {
        Template {
            service: $service,
            category: $category,
            group: $group,
            weight: $weight,
            title: $title,
            description: $description,
            fix: $fix,
            note: $note,
        }
    };
}

pub(super) const TEMPLATES: &[Template] = &[
    t!(
        "Email",
        "access",
        "Applications",
        6,
        "Outlook keeps asking for my password",
        "Since this morning Outlook prompts for my password every few minutes. Webmail works fine. I am at {site}.",
        "Cleared the cached credentials and re-created the Outlook profile; modern authentication works again.",
        "Sign-in logs show repeated token failures from the old Outlook profile."
    ),
    t!(
        "Email",
        "access",
        "Applications",
        3,
        "Shared mailbox {finance|sales|support} not visible in Outlook",
        "I was given access to the {finance|sales|support} shared mailbox last week but it still does not show up in Outlook.",
        "Full Access had been granted without automapping; re-applied it with automapping and restarted Outlook.",
        "Permissions look right in the admin centre; checking automapping."
    ),
    t!(
        "Email",
        "software",
        "Applications",
        3,
        "E-mails to external partners stuck in Outbox",
        "Messages to addresses outside the company stay in the Outbox since about {hour}:00. Internal e-mail works.",
        "A 40 MB attachment was blocking the Outbox; removed it and showed the user how to share a link instead.",
        "Message trace shows nothing from this client; suspect a large item stuck in the Outbox."
    ),
    t!(
        "Email",
        "inquiry",
        "Service Desk",
        3,
        "How do I set up company e-mail on my new phone?",
        "I got a new {iPhone|Android phone} and would like to read my work e-mail on it.",
        "Walked the user through enrolling the phone in Intune and installing Outlook mobile.",
        "Sent the user the enrolment guide from {kb}."
    ),
    t!(
        "VPN",
        "network",
        "Network",
        5,
        "VPN disconnects every {5|10|15} minutes",
        "Working from home, the VPN connects but drops every {5|10|15} minutes and I lose my Teams calls and ERP session.",
        "The home router dropped idle UDP sessions; switched the profile to TCP 443 and the connection has been stable for a day.",
        "Gateway logs show dead-peer-detection timeouts for this session."
    ),
    t!(
        "VPN",
        "access",
        "Network",
        3,
        "Cannot connect to VPN: certificate validation failed",
        "The VPN client says 'certificate validation failed' when I try to connect. Yesterday it still worked.",
        "Renewed the device certificate through Intune and reconnected successfully.",
        "The device certificate expired two days ago; auto-renewal failed while the laptop was offline."
    ),
    t!(
        "VPN",
        "network",
        "Network",
        3,
        "VPN connected but intranet and file shares do not load",
        "The VPN shows connected, but the intranet and S: drive time out. Public websites work.",
        "Split DNS was missing after a client update; pushed the corrected VPN profile.",
        "DNS queries go to the home router instead of the internal resolvers."
    ),
    t!(
        "VPN",
        "inquiry",
        "Service Desk",
        2,
        "Where can I find the VPN client for macOS?",
        "I have a new MacBook and cannot find the VPN client in Self Service.",
        "Published the macOS VPN package to the user's Self Service catalogue.",
        "The macOS package was only scoped to the pilot group."
    ),
    t!(
        "ERP",
        "software",
        "Applications",
        4,
        "ERP invoice export fails with timeout",
        "Exporting the monthly invoices to CSV fails after about a minute with 'Gateway timeout'. We need it for month-end closing.",
        "The export query lost an index in the last upgrade; re-created it and the export now takes 20 seconds.",
        "Reproduced with the finance test user: the request runs longer than the 60 s proxy limit."
    ),
    t!(
        "ERP",
        "software",
        "Applications",
        4,
        "Cannot post goods receipt in ERP: error {E-1042|E-2210|E-3307}",
        "Posting a goods receipt for PO {4500123|4500871|4501442} fails with an error and nothing is saved. The warehouse at {site} is waiting.",
        "The purchase order had a stale lock from an interrupted session; released it and the posting went through.",
        "Found a lock on the PO held by a session from yesterday."
    ),
    t!(
        "ERP",
        "software",
        "Applications",
        3,
        "ERP very slow for the whole {team} team",
        "Every ERP screen takes 10-20 seconds to open since around {hour}:00. The whole {team} team is affected.",
        "A runaway report job was saturating the application server; stopped it and moved it to the night schedule.",
        "CPU on the application server at 100%, one batch job is responsible."
    ),
    t!(
        "ERP",
        "database",
        "Database",
        2,
        "ERP reports show only yesterday's data",
        "All ERP sales reports stop at yesterday evening; today's orders are missing.",
        "The nightly warehouse load failed on a full transaction log; grew the log, re-ran the load and reports are current.",
        "The ETL job failed at 02:14 with 'transaction log full'."
    ),
    t!(
        "Payroll",
        "software",
        "Applications",
        2,
        "Payslip for last month not visible in the portal",
        "My payslip for last month is not in the self-service portal, my colleagues already have theirs.",
        "The employee record had an end-dated contract line; HR corrected it and the payslip was republished.",
        "Checked with payroll: the run finished, this employee was skipped."
    ),
    t!(
        "Payroll",
        "software",
        "Applications",
        2,
        "Overtime hours missing from payroll calculation",
        "Overtime approved in the time-tracking tool for the {team} team is missing from this month's payroll preview.",
        "The interface file from time tracking was rejected for one cost centre; fixed the mapping and re-imported.",
        "The import log shows 14 rows rejected for an unknown cost centre."
    ),
    t!(
        "Payroll",
        "access",
        "Identity & Access",
        1,
        "Cannot log in to the payroll portal after password change",
        "Since I changed my password yesterday the payroll portal says 'invalid credentials'.",
        "The portal still used a cached LDAP bind; re-synced the account and the user can sign in.",
        "Account is healthy in AD; the portal's last sync for this user was before the password change."
    ),
    t!(
        "Web Shop",
        "software",
        "Linux Servers",
        3,
        "Web shop checkout returns error 502",
        "Customers report that the checkout page shows 'Bad Gateway' since {hour}:00. Some orders still go through.",
        "One application node had run out of file descriptors; raised the limit and restarted the node.",
        "The load balancer marks web-shop-02 unhealthy every few minutes."
    ),
    t!(
        "Web Shop",
        "software",
        "Linux Servers",
        2,
        "Product images not loading on the web shop",
        "Product pages show broken images for new products added this week.",
        "The image sync to the CDN stopped after a credential rotation; updated the key and re-ran the sync.",
        "CDN origin returns 403 for images uploaded after Monday."
    ),
    t!(
        "Web Shop",
        "database",
        "Database",
        2,
        "Web shop database connection pool exhausted",
        "The web shop logs 'too many connections' during the lunchtime peak and pages load very slowly.",
        "A reporting query held connections open; moved it to the replica and tuned the pool size.",
        "Connections peak at the pool maximum, most of them idle in transaction."
    ),
    t!(
        "Wi-Fi",
        "network",
        "Network",
        4,
        "Wi-Fi very slow in the {site} meeting rooms",
        "In the meeting rooms at {site} video calls freeze and web pages take ages. At my desk it is fine.",
        "Two access points were on the same channel; rebalanced channels and power, throughput is back to normal.",
        "Controller shows heavy co-channel interference on the meeting room APs."
    ),
    t!(
        "Wi-Fi",
        "access",
        "Network",
        3,
        "Laptop cannot join Corp Wi-Fi after password change",
        "After changing my password my laptop no longer connects to the Corp network. My phone works.",
        "Removed the stale Wi-Fi profile and re-enrolled the machine certificate; the laptop connects again.",
        "RADIUS log shows the laptop presenting old credentials."
    ),
    t!(
        "Wi-Fi",
        "network",
        "Network",
        2,
        "Guest Wi-Fi portal does not appear for visitors",
        "Our visitors at {site} connect to Guest Wi-Fi but the login page never shows up.",
        "The captive portal certificate had expired; installed the renewed certificate.",
        "Browsers refuse the portal redirect because of an expired certificate."
    ),
    t!(
        "Printing",
        "hardware",
        "End User Computing",
        6,
        "Cannot print to the {floor} floor printer",
        "Print jobs to the {floor} floor printer at {site} stay in the queue and never come out.",
        "The print spooler on the print server was stuck; cleared the queue and restarted the spooler.",
        "Queue shows 37 jobs waiting, printer itself reports ready."
    ),
    t!(
        "Printing",
        "hardware",
        "End User Computing",
        3,
        "Printer shows paper jam but no paper is stuck",
        "The printer on the {floor} floor shows a paper jam in tray 2 but there is nothing inside.",
        "A broken sensor flag in tray 2; the vendor technician replaced it.",
        "Sensor error persists after power cycle; logged a vendor call."
    ),
    t!(
        "Printing",
        "hardware",
        "End User Computing",
        2,
        "Scanned documents do not arrive by e-mail",
        "Scan-to-email from the multifunction printer at {site} says 'sent' but nothing arrives.",
        "The printer's SMTP relay credentials expired; updated them and test scans arrive.",
        "Relay log shows authentication failures from the printer."
    ),
    t!(
        "File Shares",
        "access",
        "Windows Servers",
        4,
        "Access denied on the {Finance|Projects|HR} share",
        "I get 'access denied' opening the {Finance|Projects|HR} folder on the S: drive. I could open it last week.",
        "The user was missing from the share's security group after a team move; added them back after manager approval.",
        "Effective permissions: the user is in none of the groups that hold rights on this share."
    ),
    t!(
        "File Shares",
        "inquiry",
        "Windows Servers",
        2,
        "Deleted folder on the shared drive by mistake, please restore",
        "I accidentally deleted the folder 'Q{1|2|3} reports' on the S: drive this morning. Can it be restored?",
        "Restored the folder from the previous night's snapshot into its original location.",
        "Found the folder in the 01:00 snapshot, 212 files."
    ),
    t!(
        "File Shares",
        "software",
        "Windows Servers",
        2,
        "Mapped drive S: missing after login",
        "Since this morning the S: drive is not there after I log in.",
        "The drive-mapping group policy failed on a slow link; fixed the policy's item-level targeting.",
        "gpresult shows the drive-mapping policy was not applied."
    ),
    t!(
        "CRM",
        "software",
        "Applications",
        3,
        "CRM contact search returns no results",
        "Searching for any customer in the CRM returns nothing since {hour}:00, even for names I can see in the list.",
        "The search index was corrupted after a failed update; rebuilt the index.",
        "Search service logs show index read errors."
    ),
    t!(
        "CRM",
        "access",
        "Identity & Access",
        3,
        "Need CRM access for a new {team} colleague",
        "A new colleague starts on Monday in the {team} team and needs a CRM licence and the sales role.",
        "Assigned the licence and the role after manager approval; the user can sign in.",
        "Approval received from the team manager by e-mail."
    ),
    t!(
        "CRM",
        "software",
        "Applications",
        2,
        "CRM sync with Outlook duplicates contacts",
        "Every contact I sync from the CRM to Outlook appears two or three times.",
        "Two sync add-ins were active; removed the legacy one and cleaned up the duplicates.",
        "Both the old and the new CRM add-ins are installed on this laptop."
    ),
    t!(
        "CRM",
        "database",
        "Database",
        1,
        "CRM nightly backup job failed",
        "The CRM team received a 'backup failed' e-mail for the nightly backup.",
        "The backup disk was full; purged expired backups and re-ran the job successfully.",
        "Backup target at 100% usage."
    ),
    t!(
        "Telephony",
        "hardware",
        "Network",
        3,
        "Desk phone shows 'No service' at {site}",
        "My desk phone at {site}, {floor} floor, shows 'No service' and I cannot make calls.",
        "The switch port had lost its voice VLAN setting; corrected the port configuration.",
        "Phone gets an address from the data VLAN instead of the voice VLAN."
    ),
    t!(
        "Telephony",
        "network",
        "Network",
        3,
        "Teams calls drop after about 30 seconds",
        "Every Teams call I make from the office drops after about 30 seconds.",
        "A firewall rule timed out the media UDP flows; applied the Teams-recommended timeouts.",
        "Packet capture shows media stopping after exactly 30 s."
    ),
    t!(
        "Telephony",
        "software",
        "Network",
        1,
        "Voicemail not forwarded to e-mail",
        "I no longer get my voicemail messages as e-mail.",
        "The voicemail-to-email connector had a stale mailbox address; updated it.",
        "The connector rejects delivery to the user's old address."
    ),
    t!(
        "Identity (SSO)",
        "access",
        "Identity & Access",
        6,
        "Account locked out after password change",
        "I changed my password and now my account is locked every few minutes.",
        "An old password was saved on the user's phone mail app; removed it and unlocked the account.",
        "Lockout source is the user's phone via ActiveSync."
    ),
    t!(
        "Identity (SSO)",
        "security",
        "Identity & Access",
        4,
        "MFA prompt not arriving on my new phone",
        "I moved to a new phone and the Authenticator prompts no longer arrive, I cannot sign in.",
        "Verified the user's identity by video call, reset MFA and registered the new phone.",
        "Identity verified by video call with the line manager present."
    ),
    t!(
        "Identity (SSO)",
        "access",
        "Identity & Access",
        3,
        "SSO login loop for {Jira|Salesforce|Workday}",
        "When I open {Jira|Salesforce|Workday} I am redirected to the sign-in page again and again.",
        "The SAML signing certificate had been renewed on one side only; uploaded the new certificate to the app.",
        "SAML tracer shows the app rejecting the assertion signature."
    ),
    t!(
        "Identity (SSO)",
        "security",
        "Identity & Access",
        2,
        "Suspicious sign-in alert for my account",
        "I got an e-mail about a sign-in from a country I have never been to.",
        "Revoked sessions, reset the password and confirmed MFA blocked the attempt; no data was accessed.",
        "Sign-in from an unfamiliar location was blocked by MFA; checking for other attempts."
    ),
    t!(
        "Laptop Fleet",
        "hardware",
        "End User Computing",
        4,
        "Laptop battery drains within an hour",
        "My laptop battery goes from full to empty in about an hour, it used to last all day.",
        "The battery failed the vendor diagnostic; replaced it under warranty.",
        "Battery health report shows 38% of design capacity."
    ),
    t!(
        "Laptop Fleet",
        "security",
        "End User Computing",
        3,
        "BitLocker asks for the recovery key at every boot",
        "Every time I start my laptop it asks for the BitLocker recovery key.",
        "A firmware update had changed the TPM measurements; suspended and resumed BitLocker to reseal the key.",
        "TPM PCR7 binding changed after the BIOS update."
    ),
    t!(
        "Laptop Fleet",
        "software",
        "End User Computing",
        4,
        "Laptop very slow after the latest updates",
        "Since the updates on Tuesday my laptop takes ten minutes to start and everything is slow.",
        "A stuck update kept retrying in the background; cleared the update cache and reinstalled it.",
        "Disk at 100% from the update service."
    ),
    t!(
        "Laptop Fleet",
        "inquiry",
        "Service Desk",
        2,
        "How do I get a second monitor?",
        "I would like a second monitor for my desk at {site}. How do I order one?",
        "Explained the catalogue item for monitors and ordered one on the user's behalf.",
        "User's cost centre has budget for peripherals."
    ),
];

/// An outage that many people report at once.
pub(super) struct MajorTemplate {
    pub service: &'static str,
    pub category: &'static str,
    pub group: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    /// What the people affected report, linked as children.
    pub child_title: &'static str,
    pub child_description: &'static str,
    pub fix: &'static str,
}

pub(super) const MAJORS: [MajorTemplate; 6] = [
    MajorTemplate {
        service: "Email",
        category: "software",
        group: "Applications",
        title: "Major: e-mail unavailable for all users",
        description: "Outlook and webmail cannot connect to the mail service. Affects every organisation.",
        child_title: "Cannot send or receive e-mail",
        child_description: "Outlook says 'Disconnected' and webmail does not load.",
        fix: "The mail gateway's TLS certificate had expired; installed the renewed certificate and restarted the gateway cluster.",
    },
    MajorTemplate {
        service: "VPN",
        category: "network",
        group: "Network",
        title: "Major: VPN gateway down, remote users cannot connect",
        description: "Both VPN gateways reject new connections. Everyone working from home is cut off.",
        child_title: "VPN not connecting from home",
        child_description: "The VPN client fails with 'gateway not responding'.",
        fix: "A failed firmware update left the gateway cluster without a primary; rolled back the firmware and re-formed the cluster.",
    },
    MajorTemplate {
        service: "ERP",
        category: "software",
        group: "Applications",
        title: "Major: ERP unavailable, application servers not responding",
        description: "ERP shows 'service unavailable' for all users; order entry and warehouse postings are stopped.",
        child_title: "ERP shows 'service unavailable'",
        child_description: "I cannot open ERP at all, the browser shows 'service unavailable'.",
        fix: "The application servers lost their database connection after a storage failover; restarted them in order and verified postings.",
    },
    MajorTemplate {
        service: "Web Shop",
        category: "software",
        group: "Linux Servers",
        title: "Major: web shop down, customers cannot place orders",
        description: "The web shop returns errors on every page; revenue impact from {hour}:00.",
        child_title: "Customer reports the web shop is not working",
        child_description: "A customer called: the web shop shows an error page.",
        fix: "A configuration deploy broke the load balancer's health checks; reverted it and added a pre-deploy check.",
    },
    MajorTemplate {
        service: "Identity (SSO)",
        category: "access",
        group: "Identity & Access",
        title: "Major: single sign-on failing for all cloud applications",
        description: "Sign-in to every SSO application fails with an error after entering the password.",
        child_title: "Cannot log in to any application",
        child_description: "Every application sends me to the sign-in page and then shows an error.",
        fix: "The identity provider's token-signing key rolled over without publishing the new key; republished the metadata.",
    },
    MajorTemplate {
        service: "Wi-Fi",
        category: "network",
        group: "Network",
        title: "Major: network outage at {site}",
        description: "No wired or wireless network at {site}; the site's core switch is unreachable.",
        child_title: "No network at my desk",
        child_description: "Neither the cable nor the Wi-Fi work at my desk at {site}.",
        fix: "The core switch's power supply failed; moved it to the redundant supply and replaced the failed unit.",
    },
];

pub(super) const AGENT_FIRST_REPLY: [&str; 5] = [
    "Hi {first}, thanks for reporting this. I have picked it up and will get back to you shortly.",
    "Hello {first}, I'm looking into this now. Is anyone else near you affected?",
    "Hi {first}, thanks, I can see the problem on our side and I'm working on it.",
    "Thanks {first}. Could you send a screenshot of the error message, please?",
    "Hi {first}, I'll call you in a few minutes to have a look together.",
];
pub(super) const AGENT_UPDATE: [&str; 5] = [
    "I have applied a change on our side. Could you try again and let me know if it works now?",
    "We are still investigating; next update by the end of the day.",
    "Could you restart your laptop while connected to the office network and try again?",
    "The second-line team is on it and will contact you directly.",
    "Thanks for the details, that helped narrow it down.",
];
pub(super) const REQUESTER_FOLLOW_UP: [&str; 6] = [
    "It is still happening this morning.",
    "Any update on this? It is blocking my work.",
    "Here is the screenshot you asked for. The error appears right after I click Save.",
    "My colleague {sitting next to me|in the same team} has the same problem.",
    "I tried restarting, no change.",
    "I'm available all afternoon if you want to connect remotely.",
];
pub(super) const REQUESTER_THANKS: [&str; 4] = [
    "Thanks, it works now!",
    "Confirmed, all good on my side. Thank you for the quick help.",
    "Works again, thanks a lot.",
    "Great, thank you {first}!",
];
pub(super) const REQUESTER_REOPEN: [&str; 2] =
    ["Unfortunately the problem is back since this morning.", "It worked for a day but now it fails again."];
pub(super) const WORK_NOTES: [&str; 6] = [
    "Checked the knowledge base: {kb} describes the same symptoms.",
    "Called the user, no answer. Left a voicemail.",
    "Spoke with the user on Teams and collected logs.",
    "No related alerts in monitoring for the last 24 hours.",
    "Similar ticket last week from the same site; might be related.",
    "Remote session with the user: reproduced the issue.",
];
pub(super) const CANCEL_REASONS: [&str; 3] = [
    "Raised twice by mistake, cancelling this one.",
    "The user no longer needs this.",
    "Reported in the wrong place; the user has contacted the vendor directly.",
];
pub(super) const HOLD_NOTE_CALLER: &str = "Waiting for the user to confirm a time for a remote session.";
pub(super) const HOLD_NOTE_VENDOR: &str =
    "Opened a case with the vendor ({CS-20931|CS-21407|CS-22018}); waiting for their answer.";
pub(super) const HOLD_NOTE_CHANGE: &str =
    "The fix needs a configuration change; raised a change request for the next maintenance window.";
pub(super) const NOTES_WORKAROUND: &str =
    "Provided a workaround while the permanent fix is tracked in a problem record.";
pub(super) const NOTES_NOT_REPRODUCIBLE: &str =
    "Could not reproduce the issue together with the user; everything works as expected now.";
pub(super) const NOTES_DUPLICATE: &str = "Duplicate of an incident already being worked on by the same team.";
pub(super) const NOTES_BY_CALLER: &str = "The user reports the problem went away after a restart.";
pub(super) const NOTES_NO_FAULT: &str =
    "Checked logs and configuration, no fault found. Asked the user to contact us again if it comes back.";

/// Replaces the `{…}` parts of `text`; the same `seed` picks the same
/// choice for the same braces, so related texts of one incident agree.
pub(super) fn fill(text: &str, seed: u64, first: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let inner = &after[..close];
        if inner == "first" {
            out.push_str(first);
        } else {
            let choices = VARS.iter().find(|(k, _)| *k == inner).map_or(inner, |(_, v)| *v);
            let n = choices.split('|').count();
            let i = (mix(seed ^ fnv1a(inner)) % n as u64) as usize;
            let pick = choices.split('|').nth(i).unwrap_or_default();
            match (inner, pick.parse::<i64>()) {
                ("kb", Ok(seq)) => out.push_str(&steward_domain::RecordNumber::article(seq).to_string()),
                _ => out.push_str(pick),
            }
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
}

/// A login name from a display name: lower-case ASCII, `first.last`.
pub(super) fn username(display: &str) -> String {
    display
        .chars()
        .filter_map(|c| {
            let c = match c {
                'ą' | 'Ą' => 'a',
                'ć' | 'Ć' => 'c',
                'ę' | 'Ę' => 'e',
                'ł' | 'Ł' => 'l',
                'ń' | 'Ń' => 'n',
                'ó' | 'Ó' => 'o',
                'ś' | 'Ś' => 's',
                'ź' | 'Ź' | 'ż' | 'Ż' => 'z',
                ' ' => '.',
                c => c,
            };
            (c.is_ascii_alphanumeric() || c == '.').then(|| c.to_ascii_lowercase())
        })
        .collect()
}

/// A Polish surname in the form that agrees with a woman's first name.
pub(super) fn feminine(last: &str) -> String {
    match last.strip_suffix('i') {
        Some(stem) if last.ends_with("ski") || last.ends_with("cki") => format!("{stem}a"),
        _ => last.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use steward_domain::text;

    #[test]
    fn fill_is_consistent_within_one_incident() {
        let a = fill("{Finance|Projects|HR} at {site}", 42, "Ann");
        let b = fill("open {Finance|Projects|HR} ({site})", 42, "Ann");
        let (share, site) = a.split_once(" at ").unwrap_or_default();
        assert_eq!(b, format!("open {share} ({site})"));
        assert_eq!(fill("Hi {first}!", 1, "Ann"), "Hi Ann!");
        assert_eq!(fill("no braces", 1, ""), "no braces");
        assert_eq!(fill("broken {brace", 1, ""), "broken {brace");
    }

    #[test]
    fn names_become_logins() {
        assert_eq!(username("Łukasz Piotrowski"), "lukasz.piotrowski");
        assert_eq!(username("Liam O'Connor"), "liam.oconnor");
        assert_eq!(feminine("Wiśniewski"), "Wiśniewska");
        assert_eq!(feminine("Nowak"), "Nowak");
    }

    /// Every text, filled any way, passes the limits the API enforces.
    #[test]
    fn texts_fit_the_limits() {
        for seed in 0..20 {
            for t in TEMPLATES {
                assert!(text::check(&fill(t.title, seed, "Ann"), text::TITLE).is_ok(), "{}", t.title);
                assert!(!fill(t.title, seed, "Ann").contains('{'), "{}", t.title);
                assert!(!fill(t.description, seed, "Ann").contains('{'), "{}", t.description);
                assert!(!fill(t.note, seed, "Ann").contains('{'), "{}", t.note);
                assert!(GROUPS.iter().any(|(g, _)| *g == t.group), "{}", t.group);
            }
            for m in &MAJORS {
                assert!(text::check(&fill(m.title, seed, "Ann"), text::TITLE).is_ok());
                assert!(GROUPS.iter().any(|(g, _)| *g == m.group));
            }
        }
    }
}
