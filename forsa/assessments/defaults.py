"""The default framework: literacy and numeracy aligned with primary and lower-secondary levels,
plus a few life skills, on a scale of four levels. Loaded by ``framework_ensure_default``.

Each pole: (code, name FR, name AR, [domains]); each domain: (code, FR, AR, [competencies]);
each competency: (code, FR, AR, reference school level).
"""

SCALE = (
    (1, "Non acquis : ne réussit pas encore la tâche, même accompagné·e",
     "غير مكتسب: لا ينجز المهمة بعد حتى بالمساعدة"),
    (2, "En cours d'acquisition : réussit avec de l'aide",
     "في طور الاكتساب: ينجز المهمة بمساعدة"),
    (3, "Acquis : réussit seul·e la tâche attendue à ce niveau",
     "مكتسب: ينجز المهمة المنتظرة في هذا المستوى باستقلالية"),
    (4, "Maîtrisé : réussit seul·e et réinvestit dans des situations nouvelles",
     "متحكم فيه: ينجز المهمة باستقلالية ويوظفها في وضعيات جديدة"),
)

POLES = (
    ("AR", "Langue arabe", "اللغة العربية", (
        ("AR-ORAL", "Communication orale", "التواصل الشفهي", (
            ("AR-ORAL-1", "Comprendre un message oral simple", "فهم رسالة شفهية بسيطة", "P2"),
            ("AR-ORAL-2", "S'exprimer oralement de façon claire", "التعبير الشفهي بوضوح", "P4"),
        )),
        ("AR-READ", "Lecture", "القراءة", (
            ("AR-READ-1", "Reconnaître les lettres et les syllabes", "التعرف على الحروف والمقاطع", "P1"),
            ("AR-READ-2", "Lire un texte court à voix haute", "قراءة نص قصير بصوت مسموع", "P3"),
            ("AR-READ-3", "Comprendre un texte lu", "فهم نص مقروء", "P6"),
        )),
        ("AR-WRIT", "Écriture", "الكتابة", (
            ("AR-WRIT-1", "Écrire des mots et des phrases sous dictée", "كتابة كلمات وجمل إملاءً", "P2"),
            ("AR-WRIT-2", "Rédiger un paragraphe cohérent", "تحرير فقرة متماسكة", "S1"),
        )),
    )),
    ("FR", "Langue française", "اللغة الفرنسية", (
        ("FR-ORAL", "Communication orale", "التواصل الشفهي", (
            ("FR-ORAL-1", "Comprendre des consignes simples", "فهم تعليمات بسيطة", "P3"),
            ("FR-ORAL-2", "Se présenter et dialoguer", "التعريف بالنفس والحوار", "P5"),
        )),
        ("FR-READ", "Lecture", "القراءة", (
            ("FR-READ-1", "Déchiffrer des mots et des phrases", "فك رموز الكلمات والجمل", "P3"),
            ("FR-READ-2", "Comprendre un texte court", "فهم نص قصير", "P6"),
        )),
        ("FR-WRIT", "Écriture", "الكتابة", (
            ("FR-WRIT-1", "Copier et écrire des phrases simples", "نقل وكتابة جمل بسيطة", "P4"),
            ("FR-WRIT-2", "Rédiger un message court", "تحرير رسالة قصيرة", "S1"),
        )),
    )),
    ("MATH", "Mathématiques", "الرياضيات", (
        ("MATH-NUM", "Nombres et calcul", "الأعداد والحساب", (
            ("MATH-NUM-1", "Lire, écrire et comparer les nombres jusqu'à 1 000", "قراءة الأعداد إلى 1000 وكتابتها "
             "ومقارنتها", "P2"),
            ("MATH-NUM-2", "Additionner et soustraire", "الجمع والطرح", "P3"),
            ("MATH-NUM-3", "Multiplier et diviser", "الضرب والقسمة", "P4"),
            ("MATH-NUM-4", "Fractions et nombres décimaux", "الكسور والأعداد العشرية", "P6"),
        )),
        ("MATH-GEO", "Géométrie et mesure", "الهندسة والقياس", (
            ("MATH-GEO-1", "Mesurer des longueurs, des masses et des durées", "قياس الأطوال والكتل والمدد", "P4"),
            ("MATH-GEO-2", "Reconnaître et tracer des figures planes", "التعرف على الأشكال المستوية ورسمها", "P5"),
        )),
        ("MATH-PROB", "Résolution de problèmes", "حل المسائل", (
            ("MATH-PROB-1", "Résoudre un problème de la vie courante", "حل مسألة من الحياة اليومية", "P6"),
            ("MATH-PROB-2", "Calculer des proportions et des pourcentages", "حساب التناسب والنسب المئوية", "S2"),
        )),
    )),
    ("LIFE", "Compétences de vie", "المهارات الحياتية", (
        ("LIFE-SOC", "Vivre ensemble", "العيش المشترك", (
            ("LIFE-SOC-1", "Communiquer et coopérer dans un groupe", "التواصل والتعاون داخل مجموعة", "S1"),
            ("LIFE-SOC-2", "Gérer un conflit de façon pacifique", "تدبير النزاع بطريقة سلمية", "S1"),
        )),
        ("LIFE-SELF", "Projet personnel", "المشروع الشخصي", (
            ("LIFE-SELF-1", "Se fixer un objectif et s'organiser", "تحديد هدف وتنظيم العمل", "S2"),
        )),
    )),
    ("VOC", "Compétences préprofessionnelles", "الكفايات ما قبل المهنية", (
        ("VOC-BASE", "Bases du métier", "أساسيات الحرفة", (
            ("VOC-BASE-1", "Respecter les règles d'hygiène et de sécurité", "احترام قواعد النظافة والسلامة", "S1"),
            ("VOC-BASE-2", "Utiliser les outils de l'atelier", "استعمال أدوات الورشة", "S1"),
        )),
    )),
)
