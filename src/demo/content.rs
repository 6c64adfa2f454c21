//! The demo clinic: Physical Therapy First, its locations, services, certifications, staff and articles.
//!
//! All names, addresses and phone numbers are fictional; phone numbers use the
//! 555-01xx range and e-mail and web addresses use the reserved `example.com` domain.

use super::data::*;

/// The clinic itself.
pub const ORGANIZATION: Org = Org {
    name: "Physical Therapy First",
    tagline: "Physical therapy and medical massage, working together.",
    description: "Physical Therapy First is an outpatient clinic that brings physical therapists and licensed massage therapists under one roof. We take time to understand the problem, build a plan with you, and combine exercise, manual therapy and medical massage to help you get back to the things you care about.",
    phone_display: "800-PT-FIRST",
    phone_e164: "+18007834778",
    email: "hello@example.com",
    website: "https://example.com",
    contact_url: "https://example.com/contact",
    staff_url: "https://example.com/staff",
};

/// Three clinics in two time zones.
pub const LOCATIONS: &[Loc] = &[
    Loc {
        slug: "chicago-loop",
        name: "Chicago Loop",
        street: "200 W Lake Street, Suite 410",
        city: "Chicago",
        region: "IL",
        postal_code: "60601",
        country: "US",
        time_zone: "America/Chicago",
        phone_display: "(312) 555-0142",
        phone_e164: "+13125550142",
        email: "loop@example.com",
        geo: Some((41.8857, -87.6340)),
        hours: &[
            (1, "07:00", "19:00"),
            (2, "07:00", "19:00"),
            (3, "07:00", "19:00"),
            (4, "07:00", "19:00"),
            (5, "07:00", "17:00"),
            (6, "08:00", "13:00"),
        ],
        closures: &[(12, "Staff training day"), (45, "Holiday closure")],
    },
    Loc {
        slug: "denver-highlands",
        name: "Denver Highlands",
        street: "3300 W 32nd Avenue",
        city: "Denver",
        region: "CO",
        postal_code: "80211",
        country: "US",
        time_zone: "America/Denver",
        phone_display: "(303) 555-0177",
        phone_e164: "+13035550177",
        email: "highlands@example.com",
        geo: Some((39.7620, -105.0330)),
        hours: &[
            (1, "08:00", "18:00"),
            (2, "08:00", "18:00"),
            (3, "08:00", "12:00"),
            (3, "13:00", "18:00"),
            (4, "08:00", "18:00"),
            (5, "08:00", "16:00"),
        ],
        closures: &[(30, "Holiday closure")],
    },
    Loc {
        slug: "boulder",
        name: "Boulder",
        street: "1800 Canyon Boulevard, Unit 2",
        city: "Boulder",
        region: "CO",
        postal_code: "80302",
        country: "US",
        time_zone: "America/Denver",
        phone_display: "(720) 555-0119",
        phone_e164: "+17205550119",
        email: "boulder@example.com",
        geo: Some((40.0165, -105.2770)),
        hours: &[
            (1, "09:00", "17:00"),
            (2, "09:00", "17:00"),
            (3, "09:00", "17:00"),
            (4, "09:00", "17:00"),
            (5, "09:00", "15:00"),
        ],
        closures: &[(5, "Floor maintenance")],
    },
];

/// What the clinic offers.
pub const SERVICES: &[Svc] = &[
    Svc {
        slug: "medical-massage",
        name: "Medical Massage",
        kind: "CLINICAL",
        description: "Focused massage aimed at relieving pain or tension in a specific area, planned around your history and goals. Often part of a wider treatment plan and may be covered by insurance with a referral.",
        durations_minutes: &[30, 60, 90],
        referral_accepted: true,
        insurance_eligible: true,
    },
    Svc {
        slug: "spa-massage",
        name: "Relaxation Massage",
        kind: "RELAXATION",
        description: "A calm, full-body massage with long, flowing strokes and pressure set to your comfort. Designed for general relaxation and stress relief.",
        durations_minutes: &[60, 90],
        referral_accepted: false,
        insurance_eligible: false,
    },
    Svc {
        slug: "physical-therapy-evaluation",
        name: "Physical Therapy Evaluation",
        kind: "CLINICAL",
        description: "A one-on-one assessment with a physical therapist covering your history, movement, strength and goals, ending with a written plan of care and a first set of home exercises.",
        durations_minutes: &[60],
        referral_accepted: true,
        insurance_eligible: true,
    },
    Svc {
        slug: "manual-therapy",
        name: "Manual Therapy",
        kind: "CLINICAL",
        description: "Hands-on treatment by a physical therapist, such as joint mobilization and soft-tissue techniques, combined with exercise to improve how a joint or region moves.",
        durations_minutes: &[30, 45, 60],
        referral_accepted: true,
        insurance_eligible: true,
    },
    Svc {
        slug: "sports-massage",
        name: "Sports Massage",
        kind: "CLINICAL",
        description: "Massage tailored to the muscles you use most in your sport and to where you are in your training cycle, from event preparation to recovery.",
        durations_minutes: &[30, 60, 90],
        referral_accepted: false,
        insurance_eligible: false,
    },
];

/// Certifications therapists can hold. The issuing bodies are fictional.
pub const CERTIFICATIONS: &[Cert] = &[
    Cert {
        slug: "myofascial-release",
        name: "Myofascial Release",
        issuing_body: "Continuing Education Institute for Manual Therapy",
        description: "Training in slow, sustained pressure techniques applied to the connective tissue around muscles. Used to ease restrictions that limit comfortable movement.",
        url: Some("https://example.com/certifications/myofascial-release"),
    },
    Cert {
        slug: "trigger-point-therapy",
        name: "Trigger Point Therapy",
        issuing_body: "Soft Tissue Education Council",
        description: "Training in locating tender, tight spots within a muscle and treating them with focused pressure. Covers assessment, technique and patient communication.",
        url: Some("https://example.com/certifications/trigger-point-therapy"),
    },
    Cert {
        slug: "orthopedic-manual-therapy",
        name: "Orthopedic Manual Therapy",
        issuing_body: "Collaborative for Orthopedic Rehabilitation Education",
        description: "Advanced post-graduate coursework for physical therapists in hands-on assessment and treatment of joints, combined with exercise-based care.",
        url: None,
    },
    Cert {
        slug: "sports-massage-specialist",
        name: "Sports Massage Specialist",
        issuing_body: "Athletic Bodywork Training Network",
        description: "Training in massage for people who exercise regularly, including pre-event, post-event and maintenance sessions. Emphasizes timing and adapting pressure to the training cycle.",
        url: None,
    },
    Cert {
        slug: "manual-lymphatic-drainage",
        name: "Manual Lymphatic Drainage",
        issuing_body: "Lymphatic Care Training Collaborative",
        description: "Training in a very light, rhythmic massage technique that follows the pathways of the lymphatic system. Often used as part of a plan coordinated with a physician.",
        url: Some("https://example.com/certifications/manual-lymphatic-drainage"),
    },
    Cert {
        slug: "prenatal-massage",
        name: "Prenatal Massage",
        issuing_body: "Perinatal Bodywork Education Council",
        description: "Training in safe positioning, comfort and technique adjustments for massage during pregnancy.",
        url: None,
    },
];

/// The staff directory.
pub const THERAPISTS: &[Ther] = &[
    Ther {
        slug: "maria-gonzalez",
        first_name: "Maria",
        last_name: "Gonzalez",
        credentials: "LMT, CMTPT",
        title: "Lead Medical Massage Therapist",
        bio: "Maria has focused on **medical massage** for more than a decade and works closely with our physical therapists on shared treatment plans. She is especially interested in neck and shoulder pain related to desk work. Sessions are available in English and Spanish.",
        photo_url: Some("/images/therapists/maria-gonzalez.jpg"),
        languages: &["en", "es"],
        accepting_new_patients: true,
        services: &["medical-massage", "sports-massage"],
        locations: &["chicago-loop"],
        awards: &[
            Award {
                cert: "trigger-point-therapy",
                issued_days_ago: 900,
                expires_in_days: Some(460),
                credential_id: Some("TPT-40417"),
                verified: true,
            },
            Award {
                cert: "myofascial-release",
                issued_days_ago: 1250,
                expires_in_days: None,
                credential_id: Some("MFR-20931"),
                verified: true,
            },
        ],
    },
    Ther {
        slug: "daniel-kowalski",
        first_name: "Daniel",
        last_name: "Kowalski",
        credentials: "PT, DPT",
        title: "Physical Therapist and Clinic Director",
        bio: "Daniel leads the Chicago Loop clinic and treats a wide range of orthopedic conditions, with a particular interest in low back pain. His approach combines:\n\n- clear explanations of what is going on,\n- hands-on manual therapy,\n- and exercise programs that fit a busy schedule.\n\nHe speaks English and Polish.",
        photo_url: Some("/images/therapists/daniel-kowalski.jpg"),
        languages: &["en", "pl"],
        accepting_new_patients: true,
        services: &["physical-therapy-evaluation", "manual-therapy"],
        locations: &["chicago-loop"],
        awards: &[Award {
            cert: "orthopedic-manual-therapy",
            issued_days_ago: 1500,
            expires_in_days: None,
            credential_id: Some("OMT-11802"),
            verified: true,
        }],
    },
    Ther {
        slug: "linh-nguyen",
        first_name: "Linh",
        last_name: "Nguyen",
        credentials: "LMT",
        title: "Massage Therapist",
        bio: "Linh offers both medical and relaxation massage and adapts each session to what you need that day. She has additional training in **manual lymphatic drainage** and splits her week between our Denver and Boulder clinics. She speaks English and Vietnamese.",
        photo_url: Some("/images/therapists/linh-nguyen.jpg"),
        languages: &["en", "vi"],
        accepting_new_patients: true,
        services: &["medical-massage", "spa-massage"],
        locations: &["denver-highlands", "boulder"],
        awards: &[
            Award {
                cert: "myofascial-release",
                issued_days_ago: 700,
                expires_in_days: Some(25),
                credential_id: Some("MFR-31877"),
                verified: true,
            },
            Award {
                cert: "manual-lymphatic-drainage",
                issued_days_ago: 300,
                expires_in_days: Some(700),
                credential_id: Some("MLD-5523"),
                verified: false,
            },
        ],
    },
    Ther {
        slug: "james-okafor",
        first_name: "James",
        last_name: "Okafor",
        credentials: "PT, DPT",
        title: "Physical Therapist",
        bio: "James works with runners, cyclists and climbers returning to their sport after injury. He believes in **gradual, measurable progress** and in making sure every patient understands the reason behind each exercise. His schedule is currently full, but you can join the waiting list.",
        photo_url: Some("/images/therapists/james-okafor.jpg"),
        languages: &["en"],
        accepting_new_patients: false,
        services: &["physical-therapy-evaluation", "manual-therapy"],
        locations: &["denver-highlands"],
        awards: &[
            Award {
                cert: "orthopedic-manual-therapy",
                issued_days_ago: 800,
                expires_in_days: Some(1000),
                credential_id: Some("OMT-12240"),
                verified: true,
            },
            Award {
                cert: "trigger-point-therapy",
                issued_days_ago: 1100,
                expires_in_days: Some(-30),
                credential_id: Some("TPT-38862"),
                verified: true,
            },
        ],
    },
    Ther {
        slug: "sarah-mitchell",
        first_name: "Sarah",
        last_name: "Mitchell",
        credentials: "LMT",
        title: "Sports Massage Therapist",
        bio: "Sarah is a former collegiate swimmer who now helps athletes of all levels prepare for events and recover from hard training. She also provides medical massage for overuse problems in the shoulders and hips.",
        photo_url: Some("/images/therapists/sarah-mitchell.jpg"),
        languages: &["en"],
        accepting_new_patients: true,
        services: &["sports-massage", "medical-massage"],
        locations: &["boulder", "denver-highlands"],
        awards: &[
            Award {
                cert: "sports-massage-specialist",
                issued_days_ago: 500,
                expires_in_days: Some(600),
                credential_id: Some("SMS-7710"),
                verified: true,
            },
            Award {
                cert: "trigger-point-therapy",
                issued_days_ago: 450,
                expires_in_days: Some(900),
                credential_id: Some("TPT-41590"),
                verified: false,
            },
        ],
    },
    Ther {
        slug: "ana-ribeiro",
        first_name: "Ana",
        last_name: "Ribeiro",
        credentials: "LMT",
        title: "Massage Therapist",
        bio: "Ana provides relaxation and medical massage and has completed additional training in **prenatal massage**. She aims to make every session calm, comfortable and unhurried. She speaks English and Portuguese.",
        photo_url: None,
        languages: &["en", "pt"],
        accepting_new_patients: true,
        services: &["spa-massage", "medical-massage"],
        locations: &["chicago-loop"],
        awards: &[Award {
            cert: "prenatal-massage",
            issued_days_ago: 365,
            expires_in_days: None,
            credential_id: None,
            verified: false,
        }],
    },
    Ther {
        slug: "thomas-becker",
        first_name: "Thomas",
        last_name: "Becker",
        credentials: "PT, DPT",
        title: "Physical Therapist",
        bio: "Thomas treats neck, back and shoulder problems and enjoys helping people stay active in the garden, on the trail and at work. He combines manual therapy with practical home programs. He speaks English and German.",
        photo_url: Some("/images/therapists/thomas-becker.jpg"),
        languages: &["en", "de"],
        accepting_new_patients: true,
        services: &["physical-therapy-evaluation", "manual-therapy"],
        locations: &["boulder", "denver-highlands"],
        awards: &[
            Award {
                cert: "orthopedic-manual-therapy",
                issued_days_ago: 200,
                expires_in_days: Some(900),
                credential_id: Some("OMT-13095"),
                verified: false,
            },
            Award {
                cert: "myofascial-release",
                issued_days_ago: 600,
                expires_in_days: Some(500),
                credential_id: Some("MFR-29114"),
                verified: true,
            },
        ],
    },
];

/// Article tags.
pub const TAGS: &[Tag] = &[
    Tag {
        slug: "massage",
        name: "Massage",
    },
    Tag {
        slug: "back-pain",
        name: "Back Pain",
    },
    Tag {
        slug: "sports",
        name: "Sports",
    },
    Tag {
        slug: "recovery",
        name: "Recovery",
    },
    Tag {
        slug: "insurance",
        name: "Insurance",
    },
    Tag {
        slug: "posture",
        name: "Posture",
    },
];

/// Articles: five published, one draft, one scheduled and one archived.
pub const ARTICLES: &[Art] = &[
    Art {
        slug: "medical-massage-vs-spa-massage",
        title: "Medical Massage vs. Spa Massage: What's the Difference?",
        summary: "Both involve a massage table and skilled hands, but a medical massage and a spa massage set out to do different things. Here is how to tell which one fits what you need.",
        body: r#"## Two massages, two purposes

People often ask us whether a medical massage is simply a firmer version of the massage they had on vacation. The hands-on work can look similar from the outside, but the reason for the session, the way it is planned and what happens afterwards are quite different.

## Clinical (medical) massage

A clinical massage starts with a specific goal. Usually that goal is to ease pain or tension in one area, such as a stiff neck after a car accident, a sore shoulder that makes reaching overhead difficult, or a tight low back that flares up after long days at a desk. Before your therapist begins, they will ask about your history, check how the area moves and agree with you on what the session should work toward.

Some features of clinical massage:

- It frequently follows a **referral from a physician** or another provider, who describes the problem to be addressed.
- Depending on your plan and the reason for treatment, it is **sometimes covered by insurance**.
- It relies on targeted techniques, for example **Myofascial Release** for restricted connective tissue and **Trigger Point Therapy** for tender, knotted spots in a muscle.
- It is usually one part of a **wider treatment plan** that may also include physical therapy, home exercises or changes to how you sit and move.

Your therapist keeps notes on each visit so that progress can be tracked and, with your permission, shared with the rest of your care team.

## Spa massage

A spa massage aims at general relaxation and stress relief. There is no particular problem to solve; the point is to help you unwind, feel comfortable and take a break from a busy week. Strokes tend to be long and flowing, the pressure is set to whatever feels good, and the setting is designed to be calm. Spa sessions are not normally billed to insurance, and no referral is needed.

## At a glance

| | Clinical massage | Spa massage |
|---|---|---|
| Main goal | Relieve pain or tension in a specific area | General relaxation and stress relief |
| Referral | Often follows a physician's referral | Not needed |
| Insurance | Sometimes covered | Usually not covered |
| Techniques | Targeted, e.g. Myofascial Release and Trigger Point Therapy | Broad, flowing strokes |
| Context | Part of a wider treatment plan | A stand-alone session |

## Which one should you book?

If something specific hurts or limits what you can do, start with a medical massage or a physical therapy evaluation so we can look at the problem properly. If you simply want to relax and recharge, a spa massage is a perfectly good choice. Not sure which fits? Give us a call and we will help you decide.
"#,
        author: "maria-gonzalez",
        tags: &["massage", "insurance"],
        status: "PUBLISHED",
        published_days_ago: Some(3),
    },
    Art {
        slug: "desk-posture-small-changes",
        title: "Desk Posture: Small Changes That Help Your Back and Neck",
        summary: "You don't need expensive furniture to work more comfortably at a desk. A few adjustments to your chair, screen and habits can make long workdays easier on your body.",
        body: r#"## Why desk setup matters

Many of us spend hours a day at a desk, and the body adapts to whatever position we hold most often. A screen that sits too low, a chair that leaves your feet dangling, or a laptop balanced on the couch can all add up to a stiff neck, tight shoulders or an aching low back by the end of the week. There is no single perfect posture, but some setups make it much easier to stay comfortable.

## Start with the chair

- Sit all the way back so the backrest supports the curve of your lower back. A small cushion or rolled towel can help if the chair is flat.
- Adjust the height so your feet rest flat on the floor, or on a footrest, with your knees roughly level with your hips.
- Keep your hips and shoulders facing the same direction instead of twisting toward a second monitor.

## Then the screen and keyboard

Place the top of your monitor at or slightly below eye level and about an arm's length away. If you work on a laptop for long periods, consider a stand with a separate keyboard and mouse so you are not looking down all day. Keep the keyboard close enough that your elbows stay near your sides, bent at roughly a right angle, with your shoulders relaxed.

## Move more often

The best posture is usually the next one. Even a well-arranged desk becomes uncomfortable if you never leave it. Try these habits:

1. Stand up or change position every 30 to 45 minutes.
2. Take phone calls standing or walking when you can.
3. Roll your shoulders and gently turn your head from side to side a few times an hour.
4. Use a timer or calendar reminder until the breaks become routine.

## When to get help

If pain spreads into your arm or leg, comes with numbness or tingling, or keeps coming back despite changes to your workspace, it is worth having it looked at. A physical therapist can assess how you move, suggest adjustments that suit your work and give you exercises to build strength and mobility. Please see a doctor promptly for any sudden, severe or unexplained symptoms.
"#,
        author: "daniel-kowalski",
        tags: &["posture", "back-pain"],
        status: "PUBLISHED",
        published_days_ago: Some(10),
    },
    Art {
        slug: "returning-to-running-after-an-injury",
        title: "Returning to Running After an Injury",
        summary: "Getting back to running after time off takes patience and a plan. These general guidelines can help you rebuild gradually while listening to your body.",
        body: r#"## Patience pays off

After an injury, most runners want to get back to their old routine as quickly as possible. Unfortunately, tissues that have been healing, and muscles that have lost some conditioning during time off, often need longer to adapt than our motivation would like. Coming back too fast is one of the most common reasons people end up sidelined again.

## Check the basics first

Before your first run, it helps to be able to handle everyday activities without pain. Many clinicians look for a few simple signs, such as:

- Walking briskly for 30 minutes without symptoms.
- Hopping gently on the injured leg several times without pain.
- Doing single-leg balance and squats with good control on both sides.

If any of these are difficult, spend more time on strength and mobility work before you run. Your physical therapist can tailor these checks to your injury and your goals.

## Build up gradually

A walk-run approach is a common way to restart. You might alternate one minute of easy running with two minutes of walking, and slowly shift the balance toward running over several weeks. Some general principles:

1. Run on alternate days at first so your body has time to recover.
2. Increase only one thing at a time: time, distance or speed.
3. Keep the pace conversational and save hills and intervals for later.
4. Mild discomfort that settles by the next morning is usually acceptable. Pain that lingers, or that changes the way you run, is a sign to back off.

## Keep up the strength work

Running places heavy demands on the calves, thighs and hips. Continuing the strengthening exercises from your rehab two or three times a week supports those tissues as your mileage increases. Many runners also find sports massage a helpful part of recovery, though it works best alongside training and strength work rather than in place of them.

## Ask for a plan

Every injury and every runner is different, so treat these ideas as a starting point rather than a prescription. If you're unsure whether you're ready, our physical therapists can assess your strength and running mechanics and help you map out a return that fits your schedule.
"#,
        author: "james-okafor",
        tags: &["sports", "recovery"],
        status: "PUBLISHED",
        published_days_ago: Some(21),
    },
    Art {
        slug: "what-to-expect-at-your-first-physical-therapy-visit",
        title: "What to Expect at Your First Physical Therapy Visit",
        summary: "A first physical therapy appointment is mostly about listening, assessing and planning. Here is what happens during the visit and how to prepare for it.",
        body: r#"## Before you arrive

Plan to arrive about 15 minutes early to complete intake forms, or fill them out online beforehand if you received a link. Please bring:

- A photo ID and your insurance card, if you plan to use insurance.
- Any referral or prescription from your physician.
- A list of current medications and any recent imaging reports.
- Comfortable clothing that lets us see and move the area being treated, such as shorts for a knee problem.

## The conversation

Your evaluation starts with a conversation. Your physical therapist will ask how the problem began, what makes it better or worse, how it affects your work, sleep and hobbies, and what you hope to get back to doing. There are no wrong answers; the details help us understand the whole picture.

## The assessment

Next, your therapist will look at how you move. Depending on the problem, this might include checking range of motion, strength, balance and posture, and watching the way you walk, lift or reach. Some tests may briefly bring on your usual symptoms. Let your therapist know how you are feeling at every step; you can ask to stop at any time.

## Your plan of care

By the end of the visit, you and your therapist will agree on a plan. It usually includes:

1. What we think is contributing to your symptoms, explained in plain language.
2. Goals that matter to you, with a rough timeline.
3. How often we recommend seeing you, and for how long.
4. A few exercises to start at home right away.

Many people also receive some treatment on the first day, such as manual therapy or guided exercise, if time allows.

## After the visit

It is normal to feel a little sore after an evaluation, especially if we tested movements you have been avoiding. Do your home exercises as shown and write down any questions for your next appointment. If anything feels significantly worse, call the clinic and we will talk it through with you.
"#,
        author: "thomas-becker",
        tags: &["recovery", "insurance"],
        status: "PUBLISHED",
        published_days_ago: Some(35),
    },
    Art {
        slug: "how-referrals-and-insurance-work",
        title: "How Physician Referrals and Insurance Work for Therapy and Medical Massage",
        summary: "Referral and insurance rules can be confusing. This overview explains the usual steps and the questions worth asking before your first appointment.",
        body: r#"## Why this can be confusing

Insurance plans differ a great deal, and the rules for physical therapy are often not the same as the rules for massage therapy. The information below is general; your own plan documents and your insurer have the final word.

## Referrals

A referral is a note from your physician or another qualified provider that describes your condition and recommends a type of treatment. Whether you need one depends on several things:

- **Your state.** Many states allow you to see a physical therapist directly, sometimes with limits on the number of visits or days before a physician must be involved.
- **Your plan.** Some plans, especially HMO-style plans, require a referral for specialist care regardless of state rules.
- **The service.** Medical massage is usually considered for coverage only when it is part of a documented treatment plan, which typically means a referral or prescription.

Relaxation or spa massage does not need a referral and is not normally billed to insurance.

## Questions to ask your insurer

Before your first visit, it helps to call the number on your insurance card and ask:

1. Is physical therapy covered, and is medical massage covered when prescribed?
2. Do I need a referral or prior authorization?
3. How many visits are allowed per year?
4. What will my copay or coinsurance be, and have I met my deductible?
5. Is Physical Therapy First in my network?

Write down the date, the name of the person you spoke with and a reference number for the call.

## How we help

Our front desk team can check your benefits before your first appointment and explain what we find. We send visit notes to your referring provider when requested, and we can help you ask for a new referral if your plan requires one partway through care. If you decide not to use insurance, we offer clear self-pay rates.

## Keep your paperwork together

Keep copies of referrals, authorizations and statements in one place. If a claim is ever questioned, having everything at hand makes it much easier to sort out.
"#,
        author: "daniel-kowalski",
        tags: &["insurance", "massage"],
        status: "PUBLISHED",
        published_days_ago: Some(60),
    },
    Art {
        slug: "preparing-for-your-first-sports-massage",
        title: "Preparing for Your First Sports Massage",
        summary: "A sports massage fits into a training routine differently depending on when you book it. Here is how to get the most out of your first session.",
        body: r#"## What a sports massage is for

Sports massage is tailored to people who train regularly, from weekend hikers to competitive athletes. The session focuses on the muscles you use most in your sport and is adjusted to where you are in your training cycle.

## Timing matters

When you book matters almost as much as what happens on the table:

- **Several days before an event:** a moderate session focusing on areas that feel tight.
- **The day before or the day of an event:** a short, lighter session; this is not the time for deep work.
- **After a hard effort:** wait a day or two, then choose gentle work to help you feel recovered.
- **During a training block:** regular sessions can help you notice tight areas before they turn into a problem.

## Before you come in

1. Eat lightly and drink water as you normally would.
2. Wear or bring comfortable clothing; some sports work is done with clothing on.
3. Think about your training schedule, upcoming events and any recent injuries.
4. Tell us about medical conditions or medications, especially blood thinners.

## During the session

Your therapist will check in about pressure throughout. Some techniques can feel intense, but they should never be more than you can comfortably breathe through. Speak up at any time; adjusting pressure is a normal part of the process, not a sign that something is wrong.

## Afterwards

Mild soreness for a day or so is common, particularly after a first session. Gentle movement, a short walk and staying hydrated usually help. If you have pain that gets worse or does not settle, contact us or your healthcare provider.
"#,
        author: "sarah-mitchell",
        tags: &["sports", "massage"],
        status: "DRAFT",
        published_days_ago: None,
    },
    Art {
        slug: "gardening-season-without-back-pain",
        title: "Gardening Season Without the Back Pain",
        summary: "Gardening is great exercise, but all the bending, lifting and kneeling can be hard on the body. A few simple habits can help you enjoy the season.",
        body: r#"## A workout in disguise

Digging, carrying soil, pulling weeds and kneeling for long stretches use nearly every part of the body. After a long winter, the first big day in the garden can leave many people stiff and sore. Treating gardening like any other physical activity, with a warm-up and sensible pacing, can make a real difference.

## Warm up first

Spend five minutes walking around the yard, followed by a few gentle movements:

- Shoulder rolls and arm circles.
- Standing hip circles and gentle side bends.
- Mini squats while holding onto a sturdy railing or fence.

## Lift and carry smartly

1. Keep loads close to your body and bend at the hips and knees rather than rounding your back.
2. Split heavy bags of soil or mulch into smaller loads, or use a wheelbarrow or cart.
3. Turn by moving your feet instead of twisting through your back while holding something heavy.
4. Ask for help with anything awkward or very heavy.

## Change positions often

Kneeling or bending over a bed for an hour asks a lot of your back and knees. Use a kneeling pad or a low stool, and switch tasks every 20 to 30 minutes, for example alternating weeding with watering or pruning. Raised beds and long-handled tools can reduce how far you need to bend.

## Pace yourself

Rather than doing everything in one weekend, spread big projects over several days. Stop before you are exhausted, because fatigue is when form tends to slip.

## If your back complains

Mild stiffness the day after a new activity is common and usually eases with gentle movement. If pain is severe, travels down a leg, or comes with numbness or weakness, contact your doctor. For aches that keep coming back, a physical therapy evaluation can help you find out what is going on and build strength for next season.
"#,
        author: "thomas-becker",
        tags: &["back-pain", "recovery"],
        status: "PUBLISHED",
        published_days_ago: Some(-7),
    },
    Art {
        slug: "foam-rolling-basics",
        title: "Foam Rolling Basics for Active People",
        summary: "Foam rollers are everywhere, but how should you actually use one? These simple guidelines cover the basics.",
        body: r#"## What foam rolling is

A foam roller is a firm cylinder you lean on and roll across to apply pressure to your muscles. Many people find it a convenient way to loosen up before exercise or to feel less stiff afterwards. It is sometimes described as self-massage, and while it is not a replacement for hands-on treatment, it can be a useful part of a routine.

## Getting started

- Choose a roller of medium firmness; very hard or textured rollers can be too intense at first.
- Roll slowly, about an inch per second, over the muscle rather than the joint.
- Spend 30 to 60 seconds on each area.
- Keep breathing normally. If you notice yourself holding your breath, ease off.

## Common areas

1. **Calves:** sit with the roller under your lower legs and lift your hips slightly.
2. **Thighs:** lie face down with the roller under the front of your thighs.
3. **Outer hips:** lie on your side with the roller just below the hip bone.
4. **Upper back:** lie on your back with your hands supporting your head and roll between the shoulder blades.

## What to avoid

Don't roll directly over bones, joints or the lower back, and skip any area that is bruised, swollen or recently injured. Rolling should feel like firm pressure, not sharp pain. If you have a medical condition that affects your circulation, bones or skin, ask your healthcare provider before you start.

## Where it fits

Think of foam rolling as a helper for your warm-up or cool-down. For tightness or pain that keeps returning, a session with one of our massage therapists or physical therapists can help identify what is behind it.
"#,
        author: "sarah-mitchell",
        tags: &["recovery", "sports"],
        status: "ARCHIVED",
        published_days_ago: Some(400),
    },
];
