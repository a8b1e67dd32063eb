#!/usr/bin/env python3
"""Build the hand-written operator-notes evaluation corpus.

Every note below was written by hand. Each line of a chunk is

    <lang>|<note text with inline PII markup>

where PII spans are marked as [[TYPE:span text]]. Lines that are empty or
start with '#' are ignored. The script strips the markup, computes code-point
offsets, verifies them, assigns notes to the dev/test splits with a fixed seed
(stratified by language and by has-PII) and writes dev.jsonl, test.jsonl,
SHA256SUMS and the statistics section of README.md.

Standard library only. Deterministic: running it twice gives identical files.
"""
import hashlib
import json
import os
import random
import re
import sys
from collections import Counter, OrderedDict

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 20240611
DEV_FRACTION = 0.55
LANGS = ["en", "de", "fr", "es", "ja"]
TYPES = ["PERSON", "PHONE", "ADDRESS", "EMAIL", "SERIAL", "COORDINATES",
         "URL", "IP", "MAC", "CARD", "SSN"]
MARK = re.compile(r"\[\[(" + "|".join(TYPES) + r"):(.+?)\]\]")

CHUNKS = []

# ---------------------------------------------------------------- chunk 1
CHUNKS.append(r"""
en|cust [[PERSON:Dave Kowalski]] says bat wont hold charge past 20 min, swapped for 5.0Ah pack, old one back to depot
de|Herr [[PERSON:Müller]] ruft wg. Akku an, Tel [[PHONE:0711 123456]], bitte zurückrufen
en|DCD800 chuck wobble again after fw 2.10.4.1 update?? pls check w/ eng tmrw
fr|appel de M. [[PERSON:Lefèvre]], visseuse en panne, rappeler au [[PHONE:06 39 98 12 47]] avant 17h
en|called [[PHONE:(503) 555-0142]] no answer, left vm re: impact driver pickup
es|habló con [[PERSON:Guadalupe Ramírez]], dice que el taladro no arranca, tel [[PHONE:612 34 56 78]]
en|impact wrench torque reading 42 Nm vs spec 47, recal needed. order 4471 2290 118 placed
ja|[[PERSON:佐藤]]さんから電話、インパクトドライバーのバッテリーが充電できないとのこと。折り返し [[PHONE:090-1234-5678]]
en|per [[PERSON:Ngozi]] at front desk, site gate code changed, deliver to [[ADDRESS:1420 NW Lovejoy St, Portland, OR 97209]] instead
de|Akku 18V 5,0Ah lädt nicht, Fehler E07, LED blinkt 3x. Ladegerät getauscht, ok
en|S/N [[SERIAL:2019-448812]] flagged stolen by owner, lock tool remotely + notify [[EMAIL:r.okafor@example.com]]
fr|batterie 18V 4,0Ah ne charge plus, code E12, remplacée sous garantie
en|E004 overtemp x3 today, ambient ~38C on roof. not a tool fault imo
es|batería 18V 5Ah hinchada, retirada. error E004 repetido 3 veces
en|gps ping [[COORDINATES:45.5231, -122.6765]] at 02:14, tool should be locked in gangbox. suspicious
de|Lieferung an [[ADDRESS:Königsallee 12a, 40212 Düsseldorf]], z.Hd. Frau [[PERSON:Anna-Lena Schröder]]
en|Bill #88213 sent to acct, 3x DCF887B + 2x 5Ah bat. net 30
ja|fw 4.0.2.1 にアップデート後、E004 エラー多発。要確認
en|spoke w/ [[PERSON:Priya Raghunathan]] (site lead) - she wants all drills on fw v10.2.0.13 before May 6
fr|livrer au [[ADDRESS:12 rue de Rivoli, 75001 Paris]], demander Mme [[PERSON:Benali]] à l'accueil
en|hotspot on job trailer is [[IP:192.168.8.41]], gateway keeps dropping tools. mac of hub [[MAC:00:1A:2B:3C:4D:5E]]
es|enviar a [[ADDRESS:calle Mayor 23, 3º izq, 28013 Madrid]] a la atención de Sra. [[PERSON:Ortega]]
en|will swap the charger tmrw am, mark the spot on the rack pls
de|Seriennr. [[SERIAL:DW-88231-X]] als gestohlen gemeldet, Baustelle Hauptbahnhof
en|[[PERSON:MIKE]] SAYS CHARGER BLINKING RED/GREEN. TOLD HIM ITS HOT/COLD PACK DELAY, WAIT 30 MIN
fr|selon [[PERSON:Jean-Luc]] le perfo a disparu du chantier hier soir, n° de série [[SERIAL:HR-55120-B]]
en|warranty claim rejected, tool opened by 3rd party. cust [[PERSON:jim halloran]] not happy, escalate to mgr
es|núm. de serie [[SERIAL:0041773921]] no reporta desde el lunes
en|pls ship replacement to [[ADDRESS:88 Harbor Blvd Unit 7, Oakland, CA 94607]] attn [[PERSON:Tesfaye Bekele]]
ja|送付先：[[ADDRESS:東京都港区六本木1-2-3]] [[PERSON:山田 太郎]] 様
en|ERR_0x3F on boot, battery comms. reflashed, ok now
de|FW 2.4.0.17 auf alle Schrauber ausgerollt, 3 Geräte offline, morgen nochmal prüfen
en|card on file declined, cust read new one over phone [[CARD:4111 1111 1111 1111]] exp 09/27 - DO NOT keep here, move to vault
fr|mise à jour fw 5.2.1.8 ok sur 12 outils, 2 en échec -> relancer demain 8h
en|2 of 6 tools not reporting since 11/03. last seen near Tacoma yard
es|fw 1.8.22.4 instalado en todas las llaves de impacto, par 40 Nm ok
en|cust email bounced, try [[EMAIL:jdoe at example dot com]] per his voicemail
de|laut [[PERSON:Karl-Heinz]] fehlt ein Bohrhammer seit Mo, letzter Standort [[COORDINATES:48.7758, 9.1829]]
en|tracking 1Z 999 AA1 01 2345 6784 for the return, ETA thu
ja|シリアル [[SERIAL:JP-7730-1182]] 盗難届あり、最終位置 [[COORDINATES:35.6586, 139.7454]]
en|[[PERSON:Austin]] from the framing crew borrowed the 60V grinder, sn [[SERIAL:a7k99231]], due back fri
fr|d'après [[PERSON:Samira Bouzid]] le chargeur chauffe trop, à vérifier
en|Austin yard: 14 drills, 9 impacts, 3 hammer drills online. 2 offline (bat dead)
es|correo de Don [[PERSON:Ramón]]: [[EMAIL:ana[at]obra.es]] (es de su hija, ella lleva las facturas)
en|user portal link [[URL:https://portal.example.com/users/jdoe42]] shows wrong company, fix acct mapping
de|Die Lage ist ernst: 5 Geräte mit Überhitzung, Drehmoment nur 38 Nm statt 60 Nm
en|torque wrench cal cert exp 2024-07-31, send to lab. 3/8 dr, 10-80 ft-lb
fr|facture envoyée à [[EMAIL:compta[at]batiplus.fr]], réf 2023-11-0457
en|left msg for Mr. [[PERSON:Adeyemi]] at [[PHONE:+44 20 7946 0958]], re invoice dispute
es|obra en Sevilla parada por lluvia, recoger herramientas el 12/05 a las 7:30
en|fw 3.1.0.255 bricked 2 units?? rollback to 3.0.9.7. ticket #20231104-0042
ja|[[PERSON:Tanaka Hiroshi]]-san said drill motor noisy, send replacement asap
en|new hire onboarding: [[PERSON:Rohit Deshpande]], ssn [[SSN:219-09-9999]] for W-9, badge pending. (shouldnt be in notes, pls scrub)
de|Hr. [[PERSON:Ernst]] (Polier) bittet um Rückruf unter [[PHONE:+49 (0)711 1234-56]]
en|battery 18V 2.0Ah swelling, pulled from service, disposal bin 3
fr|chantier de Lyon Part-Dieu: 22 outils actifs, 4 hors ligne, couple max 65 Nm atteint
en|to be frank the new chuck design is worse. 3 returns this wk
es|Dolores de espalda del operario, no usar el martillo de 10 kg hasta nuevo aviso
en|[[PERSON:Frank]] said the chuck on his DCD791 is slipping, sending him a loaner
de|Rechnung an [[EMAIL:m.keller(at)firma.de]] schicken, nicht an die alte Adresse
en|tool tracker beacon [[MAC:a4c1.38f2.9b07]] not pairing w/ app, tried reset x2
ja|バッテリー 18V 6.0Ah 3個 発注済み、納期 5/20
en|last fix [[COORDINATES:lat 47.6097 lon -122.3331]] accuracy 12m, close enough, site is right there
fr|Mlle [[PERSON:Rose Petit]] a signalé une clé à chocs bloquée en position serrage
es|la Sra. [[PERSON:Dolores Fuentes]] pide factura a nombre de la empresa
en|customer [[PERSON:Nguyen Thi Mai]] asked for invoice copy, sent to [[EMAIL:mai.nguyen@example.org]]
de|Art.-Nr. 4932 4644 11 bestellt, Liefertermin KW 23
en|site 12 closed out, 31 tools returned, 2 missing (see list). insp passed 10/14 09:30
fr|petit souci sur la meuleuse, disque mal monté, rien de grave. RAS sinon
en|bat pack 5.0Ah x4 on backorder til jun 3, offered 6.0Ah instead
es|pedido 4471-229-0118 confirmado, entrega mañana antes de las 10
de|Der Bauer vom Nachbarhof hat sich über den Lärm beschwert, Arbeiten erst ab 7:00 Uhr
en|per [[PERSON:lisa]] - hold all shipments to the Denver branch until PO fixed
ja|[[PERSON:Suzuki]]-san kara renraku, mail wa [[EMAIL:suzuki.k@example.jp]] ni okutte kudasai
fr|tél bureau [[PHONE:01.23.45.67.89]], demander le service achats pour la commande 0044 7812 55
es|ubicación [[COORDINATES:40.4168, -3.7038]] fuera de la obra, avisar a [[PERSON:Javi]]
en|DCF887 bit holder cracked, covered, replaced on site. no charge
de|Kunde [[PERSON:Mehmet Yılmaz]] möchte Ersatzgerät, Abholung bei Filiale Köln-Ehrenfeld
fr|position GPS [[COORDINATES:48°51'24"N 2°21'08"E]] hors zone autorisée, alerte envoyée
es|la amoladora de [[PERSON:Luz]] no tiene protector, hablar con ella antes del turno
ja|現場の森で作業中、電波弱いためGPS不安定
en|grinder guard missing on unit 14, tagged out. will follow up w/ super
""")

# ---------------------------------------------------------------- chunk 2
CHUNKS.append(r"""
en|bat dead, swapped
de|Frau [[PERSON:Wiśniewska]] (Bauleitung) meldet 2 fehlende Akkuschrauber. Rückruf [[PHONE:(0711) 12 34 56]]
en|cust [[PERSON:Chukwuemeka Okafor]] cell [[PHONE:+1 503 555 0187]], office [[PHONE:503.555.0110]]. prefers text
fr|rappeler Mme [[PERSON:Marie-Claire Dubois]] au [[PHONE:+33 1 99 00 12 34]] pour la reprise de la perceuse
en|ship 2x DCB205 to [[ADDRESS:4502 S Halsted St Apt 4B, Chicago, IL 60609]], leave w/ neighbor if no answer
es|entregar en [[ADDRESS:Avda. de la Constitución 4, 41004 Sevilla]], preguntar por [[PERSON:Macarena]]
en|app login issue - his profile [[URL:https://fleet.example.com/profile?id=88123&user=mkeller]] loads blank on android
ja|[[PERSON:鈴木]]様より、充電器が故障との連絡。TEL [[PHONE:03-1234-5678]]
en|drill DCD996 reports 0% bat while pack shows 3 bars. fw 1.22.0.4, app 4.18.2. known bug per release notes
de|Gerät an [[ADDRESS:Hauptstraße 5, 70173 Stuttgart]] liefern, Ansprechpartner Hr. [[PERSON:Koch]]
en|SN: [[SERIAL:DW-4471-22918]] + SN: [[SERIAL:DW-4471-22920]] both missing after weekend, last ping [[COORDINATES:33.7490° N, 84.3880° W]]
fr|livraison [[ADDRESS:45 avenue Jean Jaurès, 69007 Lyon]], interphone code 4512B, 2e étage
en|ok to close. will revisit in May if torque drift comes back
es|taladro percutor no gira, escobillas gastadas. presupuesto 45 € enviado
en|spoke with [[PERSON:Siobhán]] in accounts payable, she'll email remittance from [[EMAIL:siobhan.nibhriain@example.ie]]
de|Der Koch vom Kantinenwagen hat den Stromverteiler blockiert, Ladestation erst ab 13:30 frei
en|HOTSPOT IP [[IP:203.0.113.77]] BLOCKED BY FIREWALL?? tools cant reach cloud. cust IT contact [[PERSON:Raj]] [[PHONE:(415) 555-0199]]
fr|outil HS, moteur grillé. devis 189,90 € HT envoyé le 03/11
en|pls call back re rental return
ja|住所変更：〒[[ADDRESS:150-0002 東京都渋谷区渋谷2-21-1]]、担当 [[PERSON:高橋]]さん
en|grinder 4-1/2" 11A, 11,000 rpm, guard bracket bent. PN 555-0123-88 ordered
es|llamar a Sr. [[PERSON:Castillo]] al [[PHONE:+34 678 90 12 34]] para confirmar recogida
en|per [[PERSON:kwame]] the site office moved to [[ADDRESS:2200 Commerce St, suite 210, Dallas, TX 75201]]
de|E-Mail von [[PERSON:Hans-Peter Brandt]]: [[EMAIL:hp.brandt@example.de]], bittet um Angebot für 20 Akkus
en|Dallas branch - inventory count done 6/12, 3 discrepancies logged
fr|le client [[PERSON:Youssef El Amrani]] demande un prêt de visseuse, adresse mail [[EMAIL:y.elamrani(at)example.fr]]
en|payment via card [[CARD:5555 5555 5555 4444]] authorized by [[PERSON:Helen Papadopoulos]], receipt to [[EMAIL:helen.p@example.com]]
es|según [[PERSON:Jesús María Sánchez]] la llave de impacto marca 300 Nm pero no afloja nada
en|battery 2 of 3 reports cell imbalance 0.3V, retired. others fine
de|Standort lt. Tracker [[COORDINATES:52.5200 N, 13.4050 E]], Baustelle liegt aber in Potsdam. Prüfen!
en|contractor W-9 on file, ssn [[SSN:078-05-1120]] - wrong, he says use [[SSN:123-45-6789]]?? verify w/ [[PERSON:Marcus Bell]] before payroll
ja|ドリル DCD800 トルク不足、ファーム 1.0.3.2 に更新で改善
en|[[PERSON:Madison]] said the gangbox tracker died, mac [[MAC:3C-71-BF-09-A2-E4]]
fr|n° de série [[SERIAL:FR2207-118934]] introuvable dans la base, vérifier étiquette
en|Madison WI depot closed for inventory thru 1/2
es|ubicación del GPS: [[COORDINATES:41°23'19"N 2°10'48"E]], la obra está en Badalona, revisar
en|called [[PERSON:Bill]] about the bill for the 3 rented rotary hammers, he disputes day 4. [[PHONE:217-555-0134]]
de|FW v3.0.12.4 verursacht Drehmomentabfall auf 45 Nm, Rollback auf v3.0.11.9
en|wifi bridge fw 6.0.1.12 -> 6.0.2.3, reboot sched 03:00 sat
fr|version 10.4.0.2 du firmware OK, test couple 25 Nm conforme
en|[[PERSON:O'Sullivan]] crew reports impact drivers overheating at 1800 in-lbs, check fw
ja|[[PERSON:Ito]]-san (genba kantoku) ni yoru to, battery 2-ko funshitsu. S/N [[SERIAL:BT5521-0098]]
en|new owner for tool set 7: [[PERSON:Maricel Santos]], [[EMAIL:maricel.santos@example.net]], [[PHONE:+63 917 555 0142]]
es|firmware 2.2.10.1 da error E12 al conectar la batería de 6Ah
de|Seriennummer [[SERIAL:4471-0923-88]] gehört laut Liste zu Herrn [[PERSON:Özdemir]]
en|coords from tracker: [[COORDINATES:29.7604N 95.3698W]] - thats the pawn shop on main again. call police non emergency
fr|d'après le chef de chantier, M. [[PERSON:Blanc]] a gardé les batteries chez lui. tel [[PHONE:07 81 22 45 90]]
en|v2.0.0.1 beta testers only. do not push to prod fleet
es|factura a [[EMAIL:pilar.navarro@example.es]], copia a [[EMAIL:j.navarro(at)construcciones-navarro.es]]
en|DM from [[URL:linkedin.com/in/ana-garcia-obras]] asking about fleet pricing, fwd to sales
de|Rückruf an [[PHONE:+49 30 23125 678]], Fr. [[PERSON:Nowak]], wg. Rechnung 2023-0815
en|dispatch: [[PERSON:Tunde]] to [[ADDRESS:77 Bleecker St #12, New York, NY 10012]] 8am, [[PERSON:Grzegorz]] to Newark yard 10am
fr|mur blanc abîmé par la carotteuse, photo jointe au ticket 77120
en|per mgr, all 20V packs older than Jan 2019 get pulled
es|el pilar de la nave tiene anclajes nuevos, par de apriete 80 Nm verificado
en|[[PERSON:jan]] (warehouse) scanned 44 returns, 3 w/o serial labels
ja|メール：[[EMAIL:nakamura.yuki@example.co.jp]] [[PERSON:中村]]さん宛に見積送付
en|ssn on the credit app looks off: [[SSN:412 88 3047]], asked cust [[PERSON:Darnell Whitaker]] to resend
de|Akku lädt nur bis 80 %, Temperatur 45 °C, Ladegerät DCB118 getauscht. Termin Do 14 Uhr
en|laptop running fleet sync: [[IP:2001:db8:4f1a::2c]] / mac [[MAC:001A2B3C4D6F]]. cust [[PERSON:Zhang Wei]]
fr|géoloc [[COORDINATES:43.2965 N 5.3698 E]] (Marseille), outil signalé volé le 14/02
en|impact driver DCF850 trigger sticky after rain. dried out, ok. advise cust to store indoors
es|núm serie [[SERIAL:ES-2021-0077315]] robado en obra, denuncia hecha
en|return label emailed to [[EMAIL:t.hossain@example.com]]
de|Bitte Ersatzteile an [[ADDRESS:Industriestr. 17b, 68169 Mannheim]] senden. Tel. [[PHONE:0621 3345 780]]
en|cust [[PERSON:Oluwaseun Balogun]] called 3rd time this wk, says the app shows his hammer drill at a location hes never been ([[COORDINATES:39.7392, -104.9903]]), tool is in his truck. checked: phone gps vs tool gps mismatch, tool fw 2.3.1.0 has the known stale-fix bug. pushed 2.3.1.4, asked him to open app near tool. will call back [[PHONE:720-555-0163]] tmrw after 2
fr|[[PERSON:Pierre]] du dépôt de Nantes a appelé, il manque 3 chargeurs dans la livraison
ja|現場位置 [[COORDINATES:35.6895N 139.6917E]]、トラッカー電池残量 12%
en|qty 12 DCB609 ordered, PO 2023-5512-0088
es|Doña [[PERSON:Mercedes]] dice que la batería se calienta mucho, cambiar
en|per [[PERSON:Sydney]], rotary hammer sds bit stuck, wont release. sent pics to eng
de|Hotspot im Container: [[IP:192.168.178.23]], MAC [[MAC:B8-27-EB-4A-11-C0]]. Geräte verbinden sich nicht
en|ref order# 112-4471190-5512880 for replacement chargers
fr|RDV chantier lundi 9h, prévoir 4 perfos SDS+ et 6 batteries 5Ah
es|furgoneta Mercedes con 12 herramientas, sale hacia Valencia a las 6:00
en|gps [[COORDINATES:41°52'55"N 87°37'40"W]] matches site, false alarm
ja|5月10日 9:00 点検予定、インパクト 6台、充電器 2台
de|Kundenportal: [[URL:https://kunden.example.de/konto/ruth.zimmermann]] zeigt falsche Geräte
fr|paiement carte [[CARD:4242 4242 4242 4242]] refusé, le client rappellera
en|note to self - dont trust bat % under 10F, cells read low
es|cliente [[PERSON:Nguyễn Văn An]] pide presupuesto, móvil [[PHONE:655 123 987]]
de|Ernst gemeint: ohne Schutzbrille keine Flex! Kontrolle durch SiFa am Mo
fr|connexion hotspot du camion [[IP:198.51.100.23]], l'app perd la liaison toutes les 5 min
es|mac del hotspot [[MAC:00:00:5E:00:53:2A]], ip [[IP:192.168.1.105]], no conecta la app
ja|林の中の現場、電波なし。明日 午前中に再確認
""")

# ---------------------------------------------------------------- chunk 3
CHUNKS.append(r"""
en|rcvd call from [[PHONE:020 7946 0321]], lady named [[PERSON:Morag]] re hire of 2 SDS drills for the Leeds job. callback after 4pm uk
de|Frau [[PERSON:Agnieszka Kowalczyk]] bittet um Abholung der defekten Akkus: [[ADDRESS:Lindenstr. 44, 2. OG, 10969 Berlin]]. Tel [[PHONE:030 901820-17]]
fr|M. [[PERSON:Tremblay]] (chef d'équipe) signale 3 visseuses sans réseau. IP box 4G : [[IP:192.168.0.23]]
en|site addr for delivery: [[ADDRESS:1186 Elm St, Manchester, NH 03101]]. forklift on site. contact [[PERSON:Deb Ouellette]] [[PHONE:603-555-0177]]
es|Sra. [[PERSON:Ana Belén Ortiz]] solicita devolución, dirección [[ADDRESS:c/ Alcalá 112, 4ºB, 28009 Madrid]]
en|miter saw blade brake slow (>2s). not a tracked tool, no telemetry. logged anyway
ja|[[PERSON:渡辺 健一]] 様 携帯 [[PHONE:080-2345-6789]] インパクト修理完了の連絡済み
en|tool w/ serial [[SERIAL:7731-XK-0042]] reassigned from [[PERSON:Ferhat Aydın]] to [[PERSON:Lena Vogt]]
de|Ladegerät DCB132 Lüfter defekt, Ersatz bestellt, Auftragsnr. 0711-5523-901
en|paypal? no. cust paying w/ amex [[CARD:3782 822463 10005]], auth code 04471Z
fr|livrer chez [[PERSON:Amadou Diallo]], [[ADDRESS:8 allée des Tilleuls, bât. B, 93200 Saint-Denis]], tél [[PHONE:+33 6 39 98 40 12]]
en|cust portal: [[URL:https://app.example.com/u/8812345/tools]] - account of [[PERSON:Imran Qureshi]], reset pw sent to [[EMAIL:imran.q@example.com]]
es|batería 20V no carga después de 2 años, fuera de garantía, ofrecer descuento 15%
en|torque check: 5 of 5 within ±4%, next cal due 03/2025
de|lt. Hr. [[PERSON:Fuchs]] liegt der Schlagschrauber noch im Container, SN [[SERIAL:SS-20-115873]]
en|Victoria site crew (the London one) says 3 packs walked again. cam footage reqd
fr|rodage moteur ok après 20 min, vibrations 2,5 m/s² conformes
en|per [[PERSON:Victoria]] (dispatch), tomorrows run to the Gresham site is cancelled
ja|[[ADDRESS:大阪府大阪市北区梅田3-1-1]] の現場へ充電器 2台 発送
en|lat/long: [[COORDINATES:51.5074, -0.1278]] - tool at the depot, nothing to do
es|llamar al [[PHONE:91 555 23 47]] (oficina de [[PERSON:Ignacio]]) antes de las 14h
de|Der Fuchs hat wieder das Kabel angenagt - Trafo auf Baustelle 3 ohne Strom seit 6:00
en|Dr. [[PERSON:Anjali Menon]] (site safety) wants vibration exposure report for [[PERSON:Wojciech]]'s crew, hammer drills only
fr|l'outil n° de série [[SERIAL:DWT-2212-0081]] remonte une position à [[COORDINATES:45.7640, 4.8357]], or le chantier est à Villeurbanne
en|replaced brushes, 2.5 hr labor. invoice 88-0231-447
en|bluetooth tag [[MAC:F4:12:FA:9C:03:B1]] assigned to van 14 (driver [[PERSON:Hector]])
es|el GPS de la llave de impacto marca [[COORDINATES:lat 37.3891, lon -5.9845]] a las 23:40, la obra cerró a las 18:00
en|cust moved. new addr [[ADDRESS:9 Rue Sainte-Catherine Ouest, apt 1203, Montréal, QC H3B 1A1]]
ja|[[PERSON:Kobayashi]]-san no tool, S/N [[SERIAL:K-2208-77125]], GPS ga [[COORDINATES:34.7025, 135.4959]] de tomatteru
de|Mail von [[EMAIL:a.schulze-ahrens@example.com]] - Frau [[PERSON:Schulze-Ahrens]] will Rechnungskopie
en|EMAIL ON FILE [[EMAIL:BIGJOHNSON.CONSTRUCTION@EXAMPLE.COM]] BOUNCES, CALL [[PERSON:JOHN]] INSTEAD
fr|facturation : [[EMAIL:laure.martin@example.fr]] / copie [[EMAIL:l dot martin at example dot com]]
en|SSN [[SSN:521-44-8830]] typed into the comments by cust [[PERSON:Lakshmi Iyer]] on the rental form. flagged for purge
es|núm. de serie [[SERIAL:SN-ES-88412-A]] y [[SERIAL:SN-ES-88413-A]] asignados a la cuadrilla de [[PERSON:Wilson Mejía]]
en|jobsite wifi [[IP:198.51.100.14]] fine, but tools show 'offline' since fw 4.2.0.0. known issue TKT-5512
de|Werkzeug meldet sich aus [[COORDINATES:50°06'37"N 8°40'56"E]], das ist nicht unsere Baustelle!
en|drop off at [[ADDRESS:3300 SE Belmont, unit 3]], side door
fr|pas de réponse au [[PHONE:04.91.55.22.08]], réessayer jeudi
ja|ファームウェア v2.1.0.9 → v2.1.1.0 更新、全12台完了
en|2 impacts + 1 drill regd to [[PERSON:Pham Minh Duc]], SN [[SERIAL:DCF-22A-90015]], [[SERIAL:DCF-22A-90016]], [[SERIAL:DCD-19B-33102]]
es|versión de firmware 4.11.0.3, par máximo 205 Nm, todo bien
en|ordered 6x 20V MAX 5Ah, conf 113-5544902-2293 arrives 07/09
de|Kreditkarte [[CARD:4012 8888 8888 1881]] ist abgelaufen, Kunde [[PERSON:Dimitrios Karagiannis]] schickt neue Daten
en|customer requested all comms via [[EMAIL:pwojcik at example dot org]] only, NOT phone
fr|commande 3306 1127 0094 expédiée par transporteur, suivi dispo demain
en|rotary hammer E-stop test ok, clutch slip at 35 Nm as designed
es|correo [[EMAIL:rocio.herrera[at]example.com]] para enviar el presupuesto
en|tried 3x to reach mr [[PERSON:tran]] at [[PHONE:(714) 555-0126]], vm full
de|Termin Mi 10.04. 8:30, Prüfung Drehmomentschlüssel 20-100 Nm, Zertifikat bis 04/2025
en|sales lead: [[PERSON:Akosua Boateng]], [[URL:https://www.linkedin.com/in/akosua-boateng-pe]], GC in Columbus
ja|[[PERSON:Yamamoto]]-san email: [[EMAIL:yamamoto.t(at)example.ne.jp]]
fr|selon Mme [[PERSON:Nguyen]], le chargeur fait disjoncter le tableau
en|charger DCB115 fan noise. swapped under warranty. no further action
es|el cliente pagó con tarjeta [[CARD:4000 0566 5566 5556]] por teléfono, NO guardar aquí
en|theft report filed, case 23-118842, officer [[PERSON:Ramirez]] badge 4471, tool last at [[COORDINATES:34.0522 N, 118.2437 W]]
de|Portal-Link für [[PERSON:Sabine]]: [[URL:https://portal.example.de/nutzer/sabine.krause?ref=fleet]]
en|reminder: fleet audit 2024-04-01 10:00 - 12:00 CST, bring label printer
fr|Mme la directrice du chantier veut un rapport couple/angle pour chaque boulon M20 : 350 Nm
en|cust [[PERSON:Reza Tehrani]] wants invoice mailed, not emailed: [[ADDRESS:15 Oak Ridge Rd, Bedford, MA 01730]]
es|pedido 0034-911-2233 pendiente de confirmar
ja|ホットスポット IP [[IP:192.168.43.1]]、[[PERSON:木村]]さんのスマホ経由で接続
en|[[PERSON:mark]] said the depot printer is jammed again, labels for returns printed by hand
de|Hotspot-IP [[IP:10.20.3.44]] vom Handy des Poliers, Werkzeuge verbinden nicht. MAC Handy [[MAC:4C:32:75:9A:1E:07]]
en|Will be late to site, traffic on I-5
fr|carte bancaire du client [[CARD:5105 1051 0510 5100]] enregistrée par erreur dans la note, à effacer
en|[[PERSON:Will]] from [[PERSON:Yetunde]]'s crew picked up the laser level + 4 packs
es|hotspot del móvil de [[PERSON:Esperanza]] con ip [[IP:172.20.10.4]], las herramientas sí conectan
en|tool phoned home from [[IP:203.0.113.201]] (not cust network), possible theft. owner [[PERSON:Gary Lindqvist]] [[PHONE:+1 (651) 555-0108]]
de|gestern 3 Akkus 12V 3Ah getauscht, alle mit Fehler E12, Charge 2023-07 betroffen?
ja|5月 連休中は倉庫閉鎖、返却は 5/7 以降
en|fw 10.0.0.1 staging only
fr|profil de l'utilisateur : [[URL:https://outils.example.fr/compte?uid=55102&nom=gauthier]]
en|paid w/ [[CARD:6011 1111 1111 1117]] - pls redact
es|[[PERSON:Rosario]] dice que la amoladora hace ruido raro desde el lunes
de|Anruf von [[PHONE:+49 171 3920045]], wollte Namen nicht nennen, meldet gefundenen Bohrhammer an der A8
en|repair done. ready for pickup at counter
fr|le 14 juillet pas de livraison, dépôt fermé
en|site wifi hub mac [[MAC:00-1B-63-84-45-E6]] keeps changing ip, cust admin [[EMAIL:it-helpdesk.kpatel@example.com]]
es|obra de Rosario (Argentina) cerrada, devolver 8 taladros al almacén central
ja|[[PERSON:Priya]]-san (Bangalore office) to [[PERSON:Inoue]]-san ga meeting, fleet pricing no ken
de|[[PERSON:Tanja]] aus der Dispo sagt: Lieferung an [[ADDRESS:Am Sandtorkai 27, 20457 Hamburg]] erst Freitag
en|hammer drill 1/2" DCD996 - clutch setting 11 stuck. order part N435702, ETA 2 wks
fr|[[PERSON:Anne-Sophie]] du service compta a le numéro de M. [[PERSON:Haddad]] : [[PHONE:01 99 00 47 61]]
es|enlace al perfil de [[PERSON:Camila]]: [[URL:https://herramientas.example.com/perfil/camila.r.vidal]]
""")

# ---------------------------------------------------------------- chunk 4
CHUNKS.append(r"""
es|número de seguro social [[SSN:544-21-9087]] del trabajador [[PERSON:José Luis Paredes]] anotado para el alta, borrar después
en|cust [[PERSON:Venkatesh]] called from [[PHONE:+91 98765 43210]] about the Pune shipment, wants ETA
de|Fr. Dr. [[PERSON:Yıldız]] (Bauherrin) will Rückruf: [[PHONE:0049 221 4711 0815]]
en|cust says tool stolen from truck outside [[ADDRESS:2150 W 6th Ave, Denver, CO 80204]] overnight, police rpt pending
fr|appeler [[PERSON:Jean-Baptiste Moreau]] au [[PHONE:+33 (0)6 39 98 71 20]] pour la restitution
en|callback [[PHONE:503-555-0142 x12]] (front desk, ask for [[PERSON:Shirin]])
ja|[[PERSON:Fujita]]-san no denwa [[PHONE:+81 3-5555-0123]]、ドリル返却の件
en|DCS7485 table saw - not connected, ignore alerts from it
es|recoger en [[ADDRESS:Carrer de Mallorca 401, 08013 Barcelona]], portería
de|Anlieferung [[ADDRESS:Leopoldstraße 120, 80804 München]], Hinterhof, Tor 2
en|new acct: [[PERSON:Kim Min-jun]] / [[EMAIL:minjun.kim@example.com]] / [[PHONE:213.555.0148]] / [[ADDRESS:3450 Wilshire Blvd, Suite 1100, Los Angeles, CA 90010]]
fr|adresse chantier : [[ADDRESS:27 boulevard Haussmann, 75009 Paris]], accès par la rue Taitbout
en|pack temp 71C during fast charge, throttled. normal per spec (max 75C)
de|Akkuschrauber fällt bei 18 Nm ab, Kupplungsstufe 15, FW 1.4.2.11. Werk informiert
en|per [[PERSON:Folake Ogunleye]], invoices go to [[EMAIL:folake.o[at]example.com]] from now on
es|la batería marca 18V pero da 16,2V en el tester, celda mala
ja|[[PERSON:佐々木]]さん (新宿現場) 住所: [[ADDRESS:東京都新宿区西新宿2-8-1]]
en|serial [[SERIAL:0041-7739-21]] scanned at pawn shop, [[ADDRESS:615 E Colfax Ave, Denver]]
fr|la batterie 9Ah indique 0 % puis 100 % d'un coup, jauge HS, fw 3.3.0.14
en|firmware 7.1.2.40 pushed to 210 tools overnight, 3 failed - retry window 01:00-04:00
de|Rechnung bitte an [[ADDRESS:Postfach 10 12 34, 70011 Stuttgart]]
en|uk cust [[PERSON:Padraig]] on [[PHONE:07700 900123]] wants 2 packs couriered to [[ADDRESS:Flat 3, 12 Albion Road, London N16 9PH]]
es|Sr. [[PERSON:Pérez]] tel [[PHONE:+34 93 555 12 34]] / móvil [[PHONE:699 88 77 66]]
en|tracker [[MAC:0C:8B:95:2F:71:AA]] last seen [[COORDINATES:32.7767, -96.7970]] 03:12, tool [[SERIAL:DW-551-88320]]
fr|contact : [[EMAIL:francois.roux@example.fr]], tél [[PHONE:06-39-98-55-01]]
de|Anruf [[PERSON:Jürgen Weiß]], Tel. [[PHONE:0 711 / 98 76 54]], Schlagbohrer klemmt
en|May promo codes not applying in app for 12V line, escalated to web team
ja|バッテリー 5.0Ah 膨張、使用中止。E07 表示
en|[[PERSON:May]] in purchasing approved the 20 extra chargers
es|[[PERSON:Juan Pablo]] dice que el tracker [[MAC:a4:c1:38:55:0e:12]] no aparece en la app
en|cust declined to give card, will pay cash at pickup. mon 9-11
fr|série [[SERIAL:77-FR-119204]] volée sur le chantier de [[PERSON:Mathieu]] la nuit dernière
en|ssn [[SSN:301-72-5519]] + DOB on a photo uploaded to the ticket by [[PERSON:Tyrone Jacobs]] - deleted attachment, note kept for audit
de|MAC [[MAC:00:1B:44:11:3A:B7]] und IP [[IP:172.16.4.50]] gehören zum Laptop von [[PERSON:Dariusz]]
en|ip of the custs phone hotspot: [[IP:100.64.12.9]], carrier nat so tools cant be reached inbound
es|mandar a [[EMAIL:m.torres.construcciones@example.com]] la factura de marzo
en|Dr [[PERSON:Olusegun]] said hammer drill dropped 2 floors, still works?! inspect anyway
fr|livraison prévue jeudi 16/05 entre 8h et 10h, quai n°2
ja|シリアル番号 [[SERIAL:JPN-19-448271]] の工具が [[COORDINATES:北緯35.4437 東経139.6380]] で検出
en|sds max bits 1-1/8 x 21 qty 10, quote Q-24-0098
de|Werkstatt: 12 Geräte in Reparatur, 4 warten auf Teile (Anker, Schalter)
en|profile url [[URL:portal.example.com/u/agnieszka.k]] has wrong phone, update to [[PHONE:(312) 555-0135]]
es|pedido de 20 brocas SDS 10x160, ref 2608-690-117
en|email [[EMAIL:c.mendoza@example.com]] not verified, resend link. cust [[PERSON:Cristina Mendoza]]
fr|d'après [[PERSON:Karim]], le routeur 4G ([[IP:192.168.8.1]]) redémarre tout seul
en|swapped beacon, old [[MAC:5C-CF-7F-11-22-33]] new [[MAC:5C-CF-7F-11-2A-9D]], re-pair in app
de|Mail an [[EMAIL:t.wagner@example.de]] und [[EMAIL:wagner.bau(at)example.com]] geschickt, keine Antwort
en|rental contract #R-88231 ends 9/30, cust wants extension 2 wks
es|GPS [[COORDINATES:19.4326° N, 99.1332° W]] (CDMX), obra de [[PERSON:Guillermo Aguilar]]
en|heading to [[ADDRESS:401 N Broad St, Philadelphia, PA 19108]] w/ 6 loaners, then to the shop
ja|[[PERSON:Nguyen Van Hai]]-san (ginou jisshuusei) no mail [[EMAIL:hai.nguyen@example.jp]]
en|cust paid, card ending 4444, receipt emailed. done
fr|adresse de facturation : [[ADDRESS:14 quai du Port, BP 48, 13002 Marseille]]
de|laut Tracker [[COORDINATES:N 51° 13.7', E 6° 46.5']] – Gerät liegt beim Schrotthändler
en|tool regd to [[PERSON:Bùi Thị Hương]] but used by her brother, transfer ownership? need consent email
es|hoy 2 taladros con E03, mañana los reviso
en|gps: [[COORDINATES:N 40° 44.9064', W 073° 59.0735']] (tracker uses deg-min)
fr|coordonnées GPS [[COORDINATES:47.2184 N, 1.5536 W]], hors chantier
en|hey [[PERSON:Ines]] can u check why SN [[SERIAL:HD1940-22871]] still shows on my list, returned 2 wks ago
de|Kunde möchte SEPA statt Karte. IBAN kommt per Post
ja|連絡先 [[PHONE:06-6123-4567]]、担当は[[PERSON:岡田]]様
en|DCB204 x2, DCB206 x1 failing capacity test (<70%), replace
es|enviar la herramienta a [[ADDRESS:Av. Insurgentes Sur 1602, Col. Crédito Constructor, 03940 Ciudad de México]]
en|cust [[PERSON:Abdirahman Warsame]], [[PHONE:(612) 555-0191]], lives at [[ADDRESS:2323 Riverside Ave #305, Minneapolis, MN 55454]] - deliver after 5
fr|Mme [[PERSON:Lefort]] veut être rappelée après 18h au [[PHONE:02 40 55 66 77]]
de|Frau [[PERSON:Meister]] vom Bauamt kommt Di 9:00 zur Abnahme
en|login from [[IP:2001:db8:85a3::8a2e:370:7334]] flagged unusual for user [[EMAIL:s.ahmadi@example.com]]
es|tarjeta [[CARD:3530 1113 3330 0000]] del cliente rechazada
en|according to [[PERSON:Chen Jing]] the site gate closes 4:30, no deliveries after
fr|meuleuse 125 mm, 11 500 tr/min, frein moteur OK
ja|6/3 (月) 10:00 点検、トルクレンチ 50-250 Nm 校正
en|order 555 0199 2231 shipped ground, tracking to follow
de|Der Meister hat die Freigabe erteilt, Geräte dürfen wieder raus
en|visa [[CARD:4111-1111-1111-1111]] on the PO by mistake, told [[PERSON:Gwen]] to resend PO w/o it
es|núm. serie [[SERIAL:DCD-MX-40021]] es de [[PERSON:Ángel]], no de la empresa
en|called back, no answer. will try again
fr|profil [[URL:https://www.linkedin.com/in/claire-fontaine-btp/]] - prospect, grosse flotte
en|cust sent link to their site cam [[URL:http://198.51.100.61:8080/cam?user=rbaptiste&pw=hidden]], tool visible on shelf
de|Seriennr. [[SERIAL:N423-1177-0042]], Besitzer [[PERSON:Krzysztof Wiśniewski]], wohnhaft [[ADDRESS:Bergstr. 3a, 01069 Dresden]], Tel [[PHONE:0351 8765 432]]
ja|Minato-ku no genba: [[ADDRESS:4-2-8 Shibakoen, Minato-ku, Tokyo 105-0011]], [[PERSON:Watanabe]]-san ni watasu
en|[[PERSON:Lourdes]] says the charger at station 3 clicks but doesnt charge
es|pedido entregado el 3 de mayo a las 11:20, firma ilegible
fr|ticket 2024-0312-7781 à clôturer, pièce reçue
en|NOLA job: tool beacons reporting from [[COORDINATES:lat 29.9511 long -90.0715]], matches site trailer
""")

# ---------------------------------------------------------------- chunk 5
CHUNKS.append(r"""
en|URGENT - [[PERSON:Florence]] at the Eastgate site reports 2 impact wrenches + 1 grinder missing since sat. she thinks a sub crew took them. last positions: [[COORDINATES:39.9526, -75.1652]] and [[COORDINATES:39.9612, -75.1541]]. her cell [[PHONE:267-555-0122]]. lock all 3 + file report
de|Brief an Herrn [[PERSON:Alexander Brandstätter]], [[ADDRESS:Mozartstraße 8, 5020 Salzburg]]
fr|Mme [[PERSON:Oumou Keïta-Traoré]] : [[EMAIL:oumou.kt(at)example.fr]], tél. [[PHONE:07 55 21 43 98]]
en|shipment for the Florence AL branch delayed by weather, ETA mon
es|Sr. [[PERSON:Fernández]] pide que llamemos al [[PHONE:(+34) 954 55 12 89]], no al móvil
en|got email from [[EMAIL:dkaminski@example.com]] - he wants the usage report for april, all 40 tools
ja|[[PERSON:高橋 美咲]] 様より返品依頼、[[ADDRESS:神奈川県横浜市西区みなとみらい2-3-1]]
en|fw 2.10.4.1 -> 2.10.5.0 fixes E004 false trips
de|Tel. [[PHONE:+43 662 123 456]] (Büro), mobil [[PHONE:+43 664 1234567]]
en|drill chuck 1/2" keyless, runout 0.3mm, within tol
fr|perceuse à percussion bloquée en mode burin, ressort cassé
en|[[PERSON:HERNANDEZ, MARIA]] - acct # 44710 - ship to [[ADDRESS:1500 E Main St, Apt 12, Mesa, AZ 85203]]
es|dirección: [[ADDRESS:Pza. de España 7, 1º dcha., 50001 Zaragoza]]
en|cust [[PERSON:Tomás]] no longer at [[PHONE:(602) 555-0173]], new # [[PHONE:602 555 0188]]
de|Bohrhammer SDS-max, Einzelschlagenergie 10,5 J, Schlagzahl ok. FW 6.0.0.2
en|s/n [[SERIAL:A7K-9923-11]] shows runtime 212 hrs but cust says barely used. pull logs
fr|envoyer à [[ADDRESS:3 impasse des Lilas, 31400 Toulouse]] avant vendredi
en|2x 12V impact, 1x 20V drill, 3 bats, 1 charger - all returned, condition good
ja|トルク 180 Nm 設定で締付不良、再校正依頼
en|[[PERSON:Chelsea Ng]] approved the RMA, send label to [[EMAIL:chelsea.ng@example.com]]
es|llave de impacto 1/2" 950 Nm, se para a los 3 s, revisar gatillo
de|[[PERSON:Sven]] sagt, der Router im Baucontainer ([[IP:10.0.0.138]]) hängt sich jede Nacht auf
en|pay link sent; cust entered [[CARD:5200 8282 8282 8210]] in the notes field instead. removed from crm, keeping note for audit
fr|le tracker [[MAC:7C-DF-A1-3E-55-90]] n'émet plus, pile CR2032 à changer
en|[[PERSON:Ravi]]'s home addr (for the loaner): [[ADDRESS:74 Maple Crescent, Edison, NJ 08817]]
es|según [[PERSON:Marisol]], la IP del router de la obra es [[IP:192.168.1.1]]
en|ping from [[COORDINATES:37°46'29.6"N 122°25'09.8"W]] at 4:02am. tool should be at the Oakland yard
de|Zustellung [[ADDRESS:Bahnhofstrasse 21, 8001 Zürich]], Kontakt Frau [[PERSON:Keller-Huber]], [[PHONE:+41 44 555 12 34]]
en|devices on site net: hub [[IP:192.168.50.2]] ([[MAC:D8:3A:DD:14:07:6F]]), foreman tablet [[IP:192.168.50.37]]
ja|mail: [[EMAIL:s dot mori at example dot co dot jp]] ([[PERSON:森]]さん)
en|pls dont put cust phone numbers in here
fr|M. et Mme [[PERSON:Rousseau]] ont appelé du [[PHONE:+33 5 61 55 44 33]] — perceuse volée dans le garage
en|callback for [[PERSON:Sunil Kumar]] [[PHONE:+91-80-5555-0147]] re bulk order
es|correo personal de [[PERSON:Alejandro]]: [[EMAIL:alejo.rivas87@example.com]]
en|[[PERSON:Adaeze Nwosu]] (PM) wants weekly usage CSV to [[EMAIL:adaeze.nwosu at example dot com]]
de|Akku-Rückruf Charge 2211: alle Seriennummern im Anhang, keine Kundendaten hier
en|part# 555-0142-01 (trigger switch) backordered til 6/28
fr|mise à jour 2.14.0.6 → échec code E-27, réessayer en filaire
en|ssn requested by cust for tax form?? we dont need it. he wrote [[SSN:612-09-4471]] anyway. redacted in crm
es|serie [[SERIAL:MX-2020-55182]], serie [[SERIAL:MX-2020-55183]] - ambas en taller
ja|充電器 DCB118 2台、バッテリー 9台 返却済み
en|customer address updated: [[ADDRESS:PO Box 4471, Bend, OR 97709]]
de|Kunde erreichbar nur per Mail: [[EMAIL:stefan.richter at example dot de]]
en|[[PERSON:Kowalczyk]] crew at [[ADDRESS:801 Congress Ave]] needs 4 more 6Ah packs by thu
fr|selon [[PERSON:Thi Lan]] (magasin), 4 batteries 12V à reconditionner
en|cal lab cert # TW-2024-00881, torque wrench 1/2 dr 30-250 ft-lb, pass
es|factura 2024/0118 pagada por transferencia
en|guy at the pawn shop, [[PERSON:Bobby]], said hed hold the drill till police arrive
de|Koordinaten [[COORDINATES:48.137154, 11.576124]] – Gerät im Isarkanal?? Taucher??
en|user [[URL:https://fleet.example.com/admin/users/44102?email=lnasser%40example.com]] locked out after 5 attempts
ja|[[PERSON:Lee Seo-yeon]]-san (Korea kara no haken) no keitai [[PHONE:070-1234-5678]]
fr|position [[COORDINATES:44°50'16"N 0°34'46"W]] (Bordeaux), outil de [[PERSON:Guillaume Perrin]]
en|beacon [[MAC:e0:e2:e6:3b:9a:41]] battery low (2.7V)
es|cliente [[PERSON:Pilar Domínguez]] vive en [[ADDRESS:Calle de Toledo 64, 2ºA, 28005 Madrid]], tel [[PHONE:612 555 904]]
en|drove by [[ADDRESS:2891 Stone Mountain Hwy, Lithonia, GA 30058]], tool signal strong near the storage units. called Det. [[PERSON:Okonkwo]] [[PHONE:770-555-0156]]
de|S/N: [[SERIAL:4471AB992]] zurück an Lager, Nutzer [[PERSON:Lukas Hoffmann]] gelöscht
en|last telemetry 2024-05-06T14:32:10Z, batt 38%, temp 24C
fr|n° de série [[SERIAL:BX9-22041-F]], propriétaire parti, outil récupéré par l'agence
en|she said call after 6
es|ubicación [[COORDINATES:-34.6037, -58.3816]] (Buenos Aires) - la herramienta viajó??
en|per [[PERSON:Khaled Mansour]] the tools on lot B are fine, just the gateway down ([[IP:203.0.113.9]])
ja|IP [[IP:192.168.11.5]] / MAC [[MAC:00:16:3E:5A:1B:9C]] 現場事務所のPC、[[PERSON:藤井]]さん管理
de|Lieferschein 2024-118 fehlt, Paket trotzdem angenommen
en|dewalt rep [[PERSON:Stacy-Ann]] dropping off demo units wed
fr|RDV le 2 mai à 14h30 avec le service achats
en|quote for [[PERSON:Igor]]: 10x DCF921, 10x DCB240 - send to [[EMAIL:igor.petrenko@example.com]]
es|perfil LinkedIn [[URL:linkedin.com/in/ricardo-salazar-ing]] (posible cliente grande)
en|wifi ok. bluetooth ok. app v4.20.1 build 8812. reinstall fixed it
de|Abholung bei Fam. [[PERSON:Yılmaz-Demir]], [[ADDRESS:Gartenweg 7, 33602 Bielefeld]]
en|mrs [[PERSON:Smith]] (the other one, not [[PERSON:Amy]]) - [[PHONE:(971) 555-0164]]
fr|lien compte : [[URL:https://outillage.example.fr/u/isabelle.garnier]]
ja|明日 8:30 朝礼後、工具点検
es|entregar el lunes 6 de mayo, entre 8:00 y 9:30
en|pls merge dup accts, keep [[URL:https://portal.example.com/users/khanh.vu]] and close the old one
de|Mo-Fr 7-16 Uhr erreichbar, Sa nur Notdienst
en|SN [[SERIAL:2021-0887731]] regd to a closed acct, reassign
fr|devis 2024-D-0442 accepté, 15 visseuses + 30 batteries
es|tarjeta terminada en 1117, pago ok
ja|シリアル [[SERIAL:2304-JP-00917]] 紛失、最後の位置 [[COORDINATES:43.0621, 141.3544]] (札幌)
en|brushless motor hot after 20 min continuous drilling 1" holes in oak. expected
en|tool left at the Jackson site over the long weekend, no issues reported
""")

# ---------------------------------------------------------------- chunk 6
CHUNKS.append(r"""
en|ship to [[ADDRESS:5120 Beltline Rd Ste 400, Addison TX 75254]], call [[PHONE:972-555-0119]] on arrival
fr|livraison au [[ADDRESS:18 rue du Faubourg Saint-Antoine, 75011 Paris]], code porte 1847A, 3e gauche
en|no answer at [[PHONE:+1-206-555-0175]] or [[PHONE:206.555.0102]], emailed [[EMAIL:bcho@example.com]] instead
de|Lieferadresse geändert: [[ADDRESS:Friedrichstraße 68, 3. Stock, 10117 Berlin]], Anlieferung über Hof
es|envío a [[ADDRESS:Calle Gran Vía 48, 5º izq., 28013 Madrid]], avisar al [[PHONE:+34 611 22 33 44]] antes de llegar
en|E-STOP pressed 4x in 10 min on SN [[SERIAL:7J4-0093381]], operator training needed
ja|〒[[ADDRESS:530-0001 大阪府大阪市北区梅田1-13-1]] [[PERSON:西村 翔太]] 様 宛に発送
en|custs personal page [[URL:https://portal.example.com/users/dmitri.volkov/settings]] - he cant change notif prefs
fr|joindre le client au [[PHONE:+33 (0)1 99 00 88 12]] ou au [[PHONE:06 39 98 03 44]]
en|7 of 8 chargers on firmware 1.0.4.2, one stuck at 1.0.3.9 - reflash on site
de|Rückrufnummer [[PHONE:+49 (0) 89 / 4471 2290-118]]
en|SSNs for the 3 new techs came over in the notes, pls move to HR system: [[SSN:387-16-2048]], [[SSN:455-30-7712]], [[SSN:229-81-0634]]
es|correo [[EMAIL:lucia.moreno at example dot es]], el de la empresa rebota
en|addr on the work order: [[ADDRESS:330 W 42nd St, 18th fl, New York NY 10036]]. freight elevator only til 8
en|bat 6Ah x 2 overheating on DCS570, saw stalls at 45C. known, ok
fr|e-mail [[EMAIL:nadia.benyoucef@example.fr]] pour l'envoi de la facture
en|cust [[PERSON:Mthunzi]] cant get OTP, his # [[PHONE:+27 82 555 0143]] not accepted by app (country code issue?)
de|Seriennr. [[SERIAL:WX-2022-009913]] und [[SERIAL:WX-2022-009914]] an Frau [[PERSON:Bauer]] übergeben
ja|携帯 [[PHONE:090 8765 4321]] に折り返し、不在なら SMS
en|tablet on site shows [[IP:203.0.113.45]] public, [[IP:10.8.0.12]] vpn
es|número de serie [[SERIAL:2208-ES-41577]] con fallo de motor, enviar a taller
en|quarterly torque audit: 48 tools, 2 fail, re-test next wk
fr|visseuse à chocs 18V, couple max 205 Nm, ok après nettoyage
en|beacon macs for van 22: [[MAC:00-13-A2-41-7B-90]], [[MAC:00-13-A2-41-7B-91]]
de|Drehmomentschlüssel 40-200 Nm kalibriert, Abweichung 1,8 %, Zertifikat Nr. 2024-0713-22
en|email the loan agreement to [[EMAIL:kofi.mensah(at)example.com]] + text [[PHONE:(404) 555-0131]] when sent
es|llamó [[PERSON:Hernán]], dice que el taladro hace chispas
en|card [[CARD:3714 496353 98431]] used for deposit, cust [[PERSON:Pedro Alves]]
ja|メールアドレス変更: [[EMAIL:t.kobayashi@example.co.jp]]
en|jobsite coords [[COORDINATES:30.2672° N, 97.7431° W]], geofence radius set to 200m
fr|la carte [[CARD:4000 0027 6000 0016]] a été refusée, le client passera en agence
en|chuck key missing again. added to next order
de|E-Mail [[EMAIL:j.oezkan@example.de]] funktioniert nicht mehr, neue: [[EMAIL:juergen.oezkan(at)example.com]]
en|[[PERSON:Imelda]] from accounts says invoice 7731-88 was paid twice, refund?
es|las herramientas se conectan al hotspot [[IP:10.0.0.5]] del capataz, MAC [[MAC:3C:22:FB:7A:10:C4]]
en|tool serial [[SERIAL:DCF899-2019-55812]] shows in 2 accounts, one is [[EMAIL:r.nakashima@example.com]]
fr|n° de série [[SERIAL:PR-88-40217]] - outil au nom de [[PERSON:Baptiste Lemaire]]
en|van 14 gps off (tracker unplugged?). check at depot
ja|Tokyo no genba, [[COORDINATES:35.6762° N, 139.6503° E]], geofence 150m
de|Tracker MAC [[MAC:0013.a241.7b9f]] meldet Position [[COORDINATES:53.5511° N, 9.9937° E]]
en|please send the quote to Ms. [[PERSON:Aguilar-Reyes]] at [[ADDRESS:901 Lakeshore Dr, Unit 5C, Chicago, IL 60611]]
es|par de apriete 60 Nm, batería 4Ah, sin incidencias
en|wifi config: ssid JOBSITE-5G, hotspot ip [[IP:192.168.137.1]] (cust laptop), tools on .2-.40
fr|géolocalisation : [[COORDINATES:lat 48.8566, long 2.3522]] — l'outil est à Paris, pas à Lille !
en|received 3 DCB612 from RMA 2024-0331, all pass
de|Kundenkonto: [[URL:https://www.example.de/mein-konto?kdnr=118822&name=petra.lang]]
en|pickup at [[ADDRESS:16 Industrial Way, Unit 4, Salem NH 03079]] thurs after 1pm
ja|インパクト DCF850 ファーム 1.3.0.4、バッテリー通信エラー E12
es|seguro social [[SSN:601-33-7719]] apareció en la nota del cliente, eliminar
en|[[PERSON:Nnamdi]]'s email is [[EMAIL:nnamdi.e at example dot ng]] - he doesnt check it often, text [[PHONE:+234 803 555 0199]]
fr|Mlle [[PERSON:Chloé]] à l'accueil a réceptionné le colis
en|position jumped from [[COORDINATES:45.5120, -122.6587]] to [[COORDINATES:45.6387, -122.6615]] in 4 min, tool in a vehicle
de|Heute keine Auslieferung wegen Streik, neuer Termin 17.06.
en|torque spec for anchor bolts 3/4": 200 ft-lb. impact too strong, use wrench
es|dirección de la obra: [[ADDRESS:Avenida Diagonal 640, 08017 Barcelona]]
en|mac [[MAC:a0b1c2d3e4f5]] unknown device joined the tool mesh, blocked
fr|prochain contrôle le 03/09/2024 à 10h00
ja|シリアル: [[SERIAL:JP23-0071458]]、持ち主 [[PERSON:Pham Thi Thu]] さん (技能実習生)
en|fwd the incident pics to [[EMAIL:lisa.b.safety@example.com]], shell file the OSHA form
de|Tel. Frau [[PERSON:Nguyen-Hoang]]: [[PHONE:0151 23456789]]
en|ID check at pickup: name [[PERSON:Ahmed Al-Sayed]], DL on file. cust lives [[ADDRESS:4410 Gulfton St Apt 221, Houston, TX 77081]]
es|presupuesto 2024-P-118 aprobado, 12 taladros
en|sms from [[PHONE:+44 7700 900456]]: "drill found on site, whose is it?"
fr|IP de la box [[IP:192.168.1.254]], l'app se connecte mais pas les outils
en|s/n [[SERIAL:C9-0044712231]] shows stolen flag but cust has receipt, clear flag
de|Akkus 4,0Ah Kapazitätstest: 3 von 10 unter 80 %, aussortiert
en|hotspot issue fixed by updating app to 4.21, not a fw thing
es|tel fijo [[PHONE:93 555 77 21]], móvil [[PHONE:+34 655 44 33 22]]
ja|[[URL:https://tools.example.jp/user/mikiko.sato]] のアカウント、ロック解除済み
en|cust link: [[URL:https://app.example.com/share/loc?uid=dmarsh&t=1717171717]] shared tool location w/ us
fr|page perso : [[URL:https://monespace.example.fr/profil/yannick.leroux]]
en|cust [[PERSON:HUANG MEI]] prefers wechat, no phone calls
de|Bitte an [[ADDRESS:Rheinuferstraße 9, 67061 Ludwigshafen]] liefern, nicht an Zentrale
es|viernes 14/06 inventario, no hay entregas
en|dock 3 closed, deliveries to dock 5 until 06/15
fr|retour de 6 batteries, avoir n° AV-2024-0098
ja|明後日 13時 納品、台数 24
en|return shipped fedex 7712 3456 7890, receipt in folder
de|v4.2.0.1 macht Probleme mit Bluetooth, v4.1.9.8 stabil
es|el mes de mayo sube la tarifa de alquiler un 3%
""")

# ---------------------------------------------------------------- chunk 7
CHUNKS.append(r"""
en|long call w/ [[PERSON:June Whitfield-Osei]] re the 14 tools on her acct. she wants: (1) billing addr changed to [[ADDRESS:2600 Via Fontana, Suite 120, Austin, TX 78758]], (2) all alerts to [[EMAIL:june.wo@example.com]] not her old gmail, (3) the two stolen impacts (S/N [[SERIAL:FX-22-77410]], [[SERIAL:FX-22-77411]]) removed from billing. did 1+2, 3 needs mgr ok
de|Telefonat mit Herrn [[PERSON:Schmid]] ([[PHONE:+49 (0)621 33 44 55]]): Akku-Schlagschrauber seit Montag weg, letzter Standort laut App [[COORDINATES:49.4875 N, 8.4660 E]], Baustelle Quadrate. Gerät gesperrt, Anzeige wird erstattet, Kopie der Anzeige per Mail an [[EMAIL:schmid.bau@example.de]]
en|June shipment of 40 packs confirmed, po 88-1207
fr|client [[PERSON:Hoang Van Long]], [[ADDRESS:52 avenue de la République, 59000 Lille]], tél [[PHONE:03 20 55 41 87]]
es|habló con Doña [[PERSON:Encarnación]], su dirección es [[ADDRESS:Calle Real 15, 2º, 11001 Cádiz]], tel [[PHONE:956 55 43 21]]
en|cust mobile [[PHONE:098765-43210]] (india), office [[PHONE:+91 22 5555 0148]]
ja|[[PERSON:松本]] 様 (営業所) 電話 [[PHONE:03 5555 0199]]、メール [[EMAIL:matsumoto-k@example.co.jp]]
en|address on the rental contract: [[ADDRESS:47 Birch Lane, Apt 2R, Hoboken, NJ 07030]]
de|Rechnungsanschrift: [[ADDRESS:Schillerplatz 3, 73728 Esslingen am Neckar]]
en|grant approved for 12 new drills, order after 7/1
fr|n° de série [[SERIAL:A1B2-774190]] + n° de série [[SERIAL:A1B2-774191]] à désactiver
en|[[PERSON:Grant]] on the night shift says tools 3, 7, 9 wont charge
es|el correo [[EMAIL:f.salinas[at]example.com.mx]] rebotó, pedir otro
en|new contact for billing: [[EMAIL:accounts.tbello@example.com]] / [[PHONE:(832) 555-0140]]
de|Ansprechpartnerin [[PERSON:Ewa Zielińska]], Tel. [[PHONE:0711/2255-430]]
en|sn [[SERIAL:88213-00457]] tool reads 0 Nm on every run, torque sensor dead. rma
ja|お届け先 [[ADDRESS:福岡県福岡市博多区博多駅前2-1-1]]、時間指定 午前中
en|pickup [[ADDRESS:2900 Meridian Park Blvd, Building B, Dock 6, Durham NC 27713]] ask for receiving
fr|l'appli du client tourne sur un PC ([[IP:192.168.10.14]] / [[MAC:F0-1F-AF-5B-22-E8]])
en|app shows cust home as [[COORDINATES:35.9940, -78.8986]] - geofence too tight, alarms every night
es|tarjeta [[CARD:2223 0031 2200 3222]] autorizada para el depósito de garantía
de|Seriennr. [[SERIAL:18V-DE-220419]] gehört nicht zu diesem Konto
en|cust paid deposit with [[CARD:6011 0009 9013 9424]], balance on net 30
fr|batterie 6Ah tombe à 0 sous charge, cellule HS, remplacée
en|per [[PERSON:Brooklyn]] (new dispatcher) the Queens jobs go out first
es|batería de 9Ah, 250 ciclos, capacidad 88%
en|3 tools pinging from Brooklyn warehouse, expected. no action
ja|シリアル No. [[SERIAL:DCD-JP-559102]] 修理完了
de|Ladegerät zeigt Fehler F3, Netzteil ok, Platine tauschen
en|profile [[URL:http://fleet.example.com/u?id=55012&name=obinna.eze]] & email [[EMAIL:obinna.eze@example.com]] mismatch
fr|mail de [[PERSON:Marc-Antoine]] : [[EMAIL:ma.girard@example.fr]]
en|drill DCD701 12V, clutch 15 positions, all ok. fw n/a
es|núm. de serie [[SERIAL:ES19-00882-B]], usuario [[PERSON:Agustín]], obra en Getafe
en|call [[PHONE:+1 (416) 555-0183 ext 204]] - [[PERSON:Rajesh]] at the Toronto GC
de|Zugangslink: [[URL:https://flotte.example.de/benutzer/8812?login=kbeck]]
en|ssn given for background check: [[SSN:532 41 8806]]
fr|adresse de livraison [[ADDRESS:ZI des Grands Champs, 6 rue Ampère, 44800 Saint-Herblain]]
en|ip [[IP:198.51.100.200]] from custs home router hit the api 4000x/hr, throttled
ja|[[PERSON:Ishikawa]]-san no tool, GPS [[COORDINATES:34.6937N 135.5023E]], genba kara 3km hanarete iru
es|enviar la factura a [[ADDRESS:Paseo de la Castellana 95, planta 15, 28046 Madrid]]
en|asked [[PERSON:Tatiana Morozova]] to send the damage photos, she uses [[EMAIL:tmorozova[at]example.net]]
de|Paket an [[ADDRESS:Neue Straße 12, 38100 Braunschweig]] kam zurück, Empfänger unbekannt
en|billing: [[ADDRESS:PO Box 88120, Salt Lake City, UT 84108]]; shipping: [[ADDRESS:3910 S 700 W, Salt Lake City, UT 84123]]
fr|contacter le [[PHONE:+33 4 72 55 19 08]] (ligne directe de Mme [[PERSON:Vasseur]])
en|voltage drop to 14.2V under load, pack 2019 lot, retire
es|coordenadas [[COORDINATES:-33.4489, -70.6693]] (Santiago), herramienta alquilada por [[PERSON:Valentina Soto]]
en|tracker mac [[MAC:70:B3:D5:1C:00:42]] swapped into van 9 unit
de|E-Mail an [[EMAIL:sandra.vogel(at)example.com]], Kopie an [[EMAIL:m.vogel@example.de]]
en|geo: [[COORDINATES:25.7617° N, 80.1918° W]] (Miami yard), tool ok
ja|ログイン URL [[URL:https://portal.example.jp/users/kenji.yamaguchi]] でエラー
fr|clé dynamométrique 5-25 Nm, certificat valable jusqu'au 31/12/2025
en|customer [[PERSON:Oyelaran]] called twice about late delivery to [[ADDRESS:1215 Peachtree St NE, Atlanta, GA 30309]]
es|perfil del cliente [[URL:https://alquiler.example.es/clientes/perfil?usuario=jcarrasco]]
en|Dr. appt at 2, leaving early - coverage by night shift
de|Kartenzahlung [[CARD:5425 2334 3010 9903]] nicht autorisiert, Kunde zahlt per Überweisung
en|pls text [[PHONE:503 555 0199]] when the loaner is ready
fr|lien : [[URL:https://pro.example.fr/compte/mon-profil?id=774120&user=s.caron]]
en|EMAIL: [[EMAIL:PETE.DOUGLAS@EXAMPLE.COM]] PHONE: [[PHONE:509-555-0128]] NAME: [[PERSON:PETE DOUGLAS]]
es|el número [[PHONE:+52 55 5555 0142]] es de la oficina de [[PERSON:Ximena]] en CDMX
en|v5.0.0.0 release candidate - 12 tools in pilot
ja|充電器 3台 交換、保証期間内 (購入 2023/04/12)
de|Maschine 4 (Kernbohrgerät) steht, Wasserzufuhr defekt
en|last 3 pings [[COORDINATES:40.7128, -74.0060]] / [[COORDINATES:40.7306, -73.9352]] / [[COORDINATES:40.6782, -73.9442]]
fr|carte [[CARD:3056 9309 0259 04]] utilisée pour l'acompte
en|stolen tools list sent to police: SN [[SERIAL:DCH273-77180]], SN [[SERIAL:DCF894-30021]], SN [[SERIAL:DCB205-91133]]
es|revisión semanal: 31 herramientas ok, 2 con error E12
en|user portal [[URL:https://portal.example.com/users/mwanjiru]] - [[PERSON:Wanjiru]] cant see her tools
de|Gerät zuletzt gesehen bei [[COORDINATES:47°22'36"N 8°32'28"E]], Kunde [[PERSON:Rüdiger]] informiert
ja|[[PERSON:Rahman]]-san (Bangladesh) no denwa [[PHONE:080-5555-0142]]
en|parts arrived, reassembled, tested 10 cycles @ 65 Nm
fr|[[COORDINATES:43.6047° N, 1.4442° E]] — position du camion de [[PERSON:Sébastien]]
es|ssn del cliente (EEUU) [[SSN:489-02-6613]] en el formulario de crédito, borrar
en|card # [[CARD:4917 6100 0000 0000]] in the attachment name?! renamed file
de|Inventur abgeschlossen, 214 Geräte, 3 Fehlbestände
en|safety stand-down thu 7:00, all crews, no tool checkouts till 8
fr|pas de livraison le lundi de Pentecôte
es|pintar de rosa los tacos de las herramientas de alquiler para distinguirlas
ja|雨天のため作業中止、工具は倉庫へ
en|lead via [[URL:https://www.linkedin.com/in/dangkhoa-tran-pmp]] - 200 tool fleet, follow up
en|cust address is the job trailer, no mail deliveries there
""")

# ---------------------------------------------------------------- chunk 8
CHUNKS.append(r"""
en|shift handover: 6 impacts charging in bay 2, DCB1800 generator running low (fill before 6am), E004 on tool #11 again - swapped pack, ok. torque audit on lvl 3 still pending, fw 2.10.5.0 rollout paused per eng until the 3.x bootloader fix. nothing else
de|Übergabe an Frühschicht: Bohrhammer Nr. 7 mit Fehler E12 in Werkstatt, Akkus 1-8 geladen, Ladeschrank 2 Sicherung rausgeflogen (Elektriker informiert), Firmware-Update 3.2.0.4 auf allen Schraubern erst nach Freigabe durch Werk. Drehmomentprüfung Halle B morgen 7:30
fr|passage de consignes : 3 perfos au dépôt, 2 chargeurs en réparation, la mise à jour 4.0.1.2 a planté sur 2 visseuses (code E-27), on relance lundi. Inventaire chantier Confluence fini, 0 manquant.
es|entrega del turno: 4 taladros cargando, 2 amoladoras en reparación, la llave de impacto 7 da error E04, se actualizó el firmware 2.2.11.0 en 10 equipos, quedan 3. mañana inventario a las 7:00
ja|引き継ぎ：インパクト 8台 充電中、ハンマドリル 1台 E12 で修理待ち、ファーム 2.0.1.5 への更新は来週。トルク検査は木曜 9:00 から
en|sat delivery to [[ADDRESS:1840 Kalakaua Ave #1502, Honolulu, HI 96815]] okd by cust
de|Anschrift Kunde: [[ADDRESS:Kaiserstr. 101, 76133 Karlsruhe]], Tel. [[PHONE:0721 / 55 44 33-0]]
en|cust [[PERSON:Thandiwe]] [[PHONE:+27 21 555 0176]] / [[EMAIL:thandi.m@example.co.za]]
fr|adresse : [[ADDRESS:7 place Bellecour, 69002 Lyon]], au nom de [[PERSON:Hélène Marchand]]
es|dirección de envío: [[ADDRESS:Calle Colón 27, bajo, 46004 Valencia]]
en|ssn [[SSN:318-62-4405]] & [[SSN:318 62 4450]] both on the form?? typo by cust, ask which
ja|[[PERSON:加藤 さくら]] 様、[[ADDRESS:愛知県名古屋市中区栄3-5-12]]、[[PHONE:052-555-0147]]
en|Bill to: [[PERSON:Harold Feng]], [[ADDRESS:77 Summit Ave, Unit 3, Saint Paul, MN 55102]]
de|[[PERSON:Anna-Maria Kessler]] bittet um Rückruf, Handy [[PHONE:+49 160 5554321]]
en|rma 2024-118 closed
es|llamar a [[PERSON:Inmaculada]] al [[PHONE:+34 963 55 44 12]] o al [[PHONE:622 11 44 88]]
en|vm from [[PHONE:(702) 555-0111]], couldnt make out name, something about a lost grinder
fr|tél portable [[PHONE:06.39.98.77.21]] / fixe [[PHONE:04 78 55 12 34]]
en|cust changed email to [[EMAIL:ochieng.w@example.com]]
de|E-Mail-Adresse lautet [[EMAIL:a.kessler at example dot de]]
en|mark all 18V packs w/ date code before 2020 for recycling
ja|[[PERSON:Kimura]]-san no mail: [[EMAIL:kimura.r at example dot jp]]
en|account page [[URL:https://portal.example.com/account/38810/members/arturo.vega]] shows 2 admins
es|correo: [[EMAIL:tomas.ibarra@example.com.ar]]
en|tool DCF923 keeps reporting 'locked' - cust didnt lock it. app bug, fw 1.1.0.8
fr|mail : [[EMAIL:r.bouchard(at)example.ca]] (client québécois)
en|mac addr list for gateway whitelist: [[MAC:00:1E:C0:8F:22:10]], [[MAC:00:1E:C0:8F:22:11]], [[MAC:00:1E:C0:8F:22:14]]
de|Gerätelink [[URL:https://app.example.de/geraete?besitzer=frank.ulrich&id=4471]]
en|2pm call w/ Ms. [[PERSON:Adebayo-Clarke]] moved to 3:30, her direct line [[PHONE:+44 (0)161 496 0734]]
es|la Sra. [[PERSON:Lucía Gutiérrez]] recoge la herramienta el viernes en [[ADDRESS:Av. Corrientes 1234, piso 5, C1043 Buenos Aires]]
en|pallet of 48 DCB203 received, 2 damaged, claim filed w/ carrier
ja|シリアル [[SERIAL:T18-559003-JP]] 返却済み、倉庫B
fr|outil n° de série [[SERIAL:QC-2023-118804]] prêté à [[PERSON:Étienne]]
en|ship 1 loaner to [[ADDRESS:6200 Bristol Pkwy, Suite 300, Culver City, CA 90230]] attn [[PERSON:Nikhil]]
de|Abholung [[ADDRESS:Ostring 44, 44787 Bochum]] zwischen 8 und 12 Uhr, Herr [[PERSON:Ostrowski]] ist vor Ort
en|cust reports tool at [[COORDINATES:36.1699, -115.1398]] but hes in Reno. stolen?
es|el enlace [[URL:https://obras.example.com/usuario/98120?nombre=mario.quispe]] no abre
en|battery firmware BMS 0.9.12.3 known to misreport temps below 0C
fr|couple de serrage vérifié 120 Nm, RAS
en|[[PERSON:Paris]] (warehouse lead) needs the count sheet by 5
de|Sozialversicherungsnummer nicht notieren!
en|Paris TX customer, not Paris France lol. fix the country field
ja|[[PERSON:Wang Fang]]-san (中国出身) 携帯 [[PHONE:090-5555-0177]]
es|hoy el taladro de 18V cayó de 3 m, funciona, revisar portabrocas
en|new tech [[PERSON:Bart Kline]] starts mon, needs app login + 1 drill kit
fr|livrer au [[ADDRESS:1250 rue Sherbrooke Ouest, bureau 800, Montréal (Québec) H3A 2G1]]
en|personal email on a work ticket: [[EMAIL:sk8rdude1987@example.com]] (cust [[PERSON:Shaun]])
de|Lieferung KW 27 bestätigt, 60 Akkus 5,0Ah, Auftragsnr. 4500-118-229
en|pls call [[PHONE:+1 646 555 0172]] after 10am, ask for [[PERSON:Marisa]] or [[PERSON:Devon]]
es|número de serie [[SERIAL:PE-2022-44712]], cliente [[PERSON:Mario Quispe]], Lima
en|warranty expires 11/2025, proof of purchase on file
fr|d'après [[PERSON:Jean]], le code E12 revient quand il fait moins de 5 °C
en|device list: phone [[IP:fe80::1c2b:3dff:fe4e:5f60]] paired w/ hub
de|Flex 230 mm, Wiederanlaufschutz ausgelöst, kein Defekt
en|cust [[PERSON:Ferreira]] wants statements mailed to [[ADDRESS:PO Box 1201, Fall River, MA 02722]] and phone calls on [[PHONE:508-555-0147]] only
ja|バッテリー 3個 在庫切れ、入荷 6月末
es|MAC del tracker [[MAC:ac:23:3f:a1:0b:7e]] sin señal desde el sábado
en|4.5" grinder wheel 60 grit, qty 50 ordered
fr|lien du profil [[URL:https://www.linkedin.com/in/mathilde-rey-conductrice-travaux]]
en|s/n [[SERIAL:D-0219-3377-8]] returned w/ water damage, not covered
de|Tracker [[MAC:C8-2B-96-0E-44-71]] am Fahrzeug von [[PERSON:Wolfgang]] (Kolonne 3)
en|dispatcher note: [[PERSON:Ayodele]] -> [[ADDRESS:912 Poplar Ave, Memphis, TN 38105]], [[PERSON:Ho-jin]] -> Bartlett yard
es|pedido nº 0800-555-2231 confirmado por proveedor
en|torque logging interval changed 5s -> 1s for the bridge job, storage ok
fr|M. [[PERSON:Ben Salah]] : numéro SS américain [[SSN:273-58-0914]] ??? pourquoi ici, supprimé
ja|[[URL:https://portal.example.jp/user/profile?id=55120&name=hayashi]] [[PERSON:林]]さんのプロフィール、更新依頼
en|cust gave card [[CARD:4242-4242-4242-4242]] and cvv in chat transcript, scrub transcript too
de|frank und frei gesagt: die neuen Akkus halten kürzer als die alten
es|el capataz [[PERSON:Efraín]] tiene el número [[PHONE:+1 (305) 555-0166]] (Miami)
en|follow-up on Frank & Sons Construction invoice, payment 30 days late
fr|RAS sur le chantier de Nice, 18 outils en ligne
en|[[URL:https://tracker.example.com/v/9X2KQ?owner=jsilva]] - public share link cust posted on fb, revoke
de|Tel. Büro [[PHONE:+49 40 555 12 00]], Ansprechpartnerin Fr. [[PERSON:Petersen]]
es|clave de la obra cambiada, pedirla en oficina
en|grinder kickback incident, no injury. report #INC-2024-0611 filed
ja|現場 9:00 集合、インパクト 4台 持参
fr|facture 2024-F-0312 envoyée, échéance 30 jours
en|email [[EMAIL:yusuf.demir at example dot com dot tr]] for the Istanbul order
de|Tel. Büro [[PHONE:0211 555 88 90]], Hr. [[PERSON:Szymański]] fragt nach Leihgerät
en|will call tmrw
""")


# ===================================================================== build
def luhn_ok(digits):
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def parse_note(marked):
    """Strip [[TYPE:text]] markup; return (text, spans)."""
    parts, spans, pos, cur = [], [], 0, 0
    for m in MARK.finditer(marked):
        before = marked[pos:m.start()]
        parts.append(before)
        cur += len(before)
        typ, s = m.group(1), m.group(2)
        spans.append(OrderedDict([("start", cur), ("end", cur + len(s)),
                                  ("type", typ), ("text", s)]))
        parts.append(s)
        cur += len(s)
        pos = m.end()
    parts.append(marked[pos:])
    return "".join(parts), spans


def load_notes():
    notes, errors, seen = [], [], {}
    for ci, chunk in enumerate(CHUNKS, 1):
        for raw in chunk.split("\n"):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            lang, sep, marked = line.partition("|")
            where = "chunk %d: %s" % (ci, line[:60])
            if not sep or lang not in LANGS:
                errors.append("bad language prefix in " + where)
                continue
            text, spans = parse_note(marked)
            # ---- verification
            if "[[" in text or "]]" in text:
                errors.append("leftover markup in " + where)
            if text != text.strip() or "\t" in text:
                errors.append("stray whitespace in " + where)
            prev_end = -1
            for sp in spans:
                if text[sp["start"]:sp["end"]] != sp["text"]:
                    errors.append("offset mismatch in " + where)
                if sp["text"] != sp["text"].strip() or not sp["text"]:
                    errors.append("span has outer whitespace in " + where)
                if sp["start"] < prev_end:
                    errors.append("overlap in " + where)
                prev_end = sp["end"]
                if sp["type"] == "CARD":
                    digits = re.sub(r"\D", "", sp["text"])
                    if not (13 <= len(digits) <= 19 and luhn_ok(digits)):
                        errors.append("card not Luhn-valid in " + where)
                if sp["type"] == "SSN":
                    digits = re.sub(r"\D", "", sp["text"])
                    if len(digits) != 9:
                        errors.append("SSN not 9 digits in " + where)
            if text in seen:
                errors.append("duplicate note in " + where)
            seen[text] = True
            notes.append({"lang": lang, "text": text, "spans": spans})
    return notes, errors


def split_notes(notes):
    """Deterministic stratified split.

    Stratum = (language, has PII). Each stratum gets exactly
    round(n * DEV_FRACTION) dev notes. Inside that constraint notes are
    visited in a seeded random order (notes holding the rarest span types
    first) and each goes to the split that most needs its span types, so
    every type ends up close to the same dev/test proportion.
    """
    rng = random.Random(SEED)
    type_total = Counter(sp["type"] for n in notes for sp in n["spans"])
    strata = Counter((n["lang"], bool(n["spans"])) for n in notes)
    target = {s: int(round(c * DEV_FRACTION)) for s, c in strata.items()}
    order = list(range(len(notes)))
    rng.shuffle(order)

    def rarity(i):
        ts = [type_total[sp["type"]] for sp in notes[i]["spans"]]
        return min(ts) if ts else 10 ** 9
    order.sort(key=rarity)  # stable: ties keep the seeded order
    dev_n, test_n = Counter(), Counter()
    dev_t, test_t = Counter(), Counter()
    dev_idx = set()
    for i in order:
        n = notes[i]
        s = (n["lang"], bool(n["spans"]))
        types = Counter(sp["type"] for sp in n["spans"])
        if dev_n[s] >= target[s]:
            to_dev = False
        elif test_n[s] >= strata[s] - target[s]:
            to_dev = True
        elif types:
            need_dev = sum((DEV_FRACTION * type_total[t] - dev_t[t]) * c / type_total[t]
                           for t, c in types.items())
            need_test = sum(((1 - DEV_FRACTION) * type_total[t] - test_t[t]) * c / type_total[t]
                            for t, c in types.items())
            if abs(need_dev - need_test) < 1e-9:
                to_dev = rng.random() < DEV_FRACTION
            else:
                to_dev = need_dev > need_test
        else:
            to_dev = rng.random() < DEV_FRACTION
        if to_dev:
            dev_idx.add(i)
            dev_n[s] += 1
            dev_t.update(types)
        else:
            test_n[s] += 1
            test_t.update(types)
    # refinement: swap a dev and a test note of the same stratum while that
    # brings the per-type (and per language+type) dev share closer to target
    keys = {}
    for i, n in enumerate(notes):
        k = Counter()
        for sp in n["spans"]:
            k[sp["type"]] += 1
            k[(n["lang"], sp["type"])] += 0.5
        keys[i] = k
    tot = Counter()
    cur = Counter()
    for i in range(len(notes)):
        tot.update(keys[i])
        if i in dev_idx:
            cur.update(keys[i])

    def cost(c, keyset):
        return sum((c[k] - DEV_FRACTION * tot[k]) ** 2 / tot[k] for k in keyset)
    for _ in range(50):
        improved = False
        for s in sorted(strata):
            d_list = [i for i in order if i in dev_idx and (notes[i]["lang"], bool(notes[i]["spans"])) == s]
            t_list = [i for i in order if i not in dev_idx and (notes[i]["lang"], bool(notes[i]["spans"])) == s]
            for a in d_list:
                if a not in dev_idx:
                    continue
                for b in t_list:
                    if b in dev_idx:
                        continue
                    ks = set(keys[a]) | set(keys[b])
                    if not ks:
                        continue
                    new = cur.copy()
                    new.subtract(keys[a])
                    new.update(keys[b])
                    if cost(new, ks) < cost(cur, ks) - 1e-9:
                        cur = new
                        dev_idx.discard(a)
                        dev_idx.add(b)
                        improved = True
                        break
        if not improved:
            break
    dev = [notes[i] for i in range(len(notes)) if i in dev_idx]
    test = [notes[i] for i in range(len(notes)) if i not in dev_idx]
    return dev, test


def records(split_name, notes):
    out = []
    for k, n in enumerate(notes, 1):
        out.append(OrderedDict([("id", "%s-%04d" % (split_name, k)),
                                ("lang", n["lang"]), ("text", n["text"]),
                                ("spans", n["spans"])]))
    return out


def stats(recs):
    s = OrderedDict()
    s["notes"] = len(recs)
    s["lang"] = Counter(r["lang"] for r in recs)
    s["no_pii"] = sum(1 for r in recs if not r["spans"])
    s["types"] = Counter(sp["type"] for r in recs for sp in r["spans"])
    s["spans"] = sum(s["types"].values())
    return s


def stats_markdown(sd, st):
    tot_types = sd["types"] + st["types"]
    lines = ["| | dev | test | total |", "|---|---:|---:|---:|"]
    lines.append("| notes | %d | %d | %d |" % (sd["notes"], st["notes"],
                                               sd["notes"] + st["notes"]))
    for lg in LANGS:
        lines.append("| notes `%s` | %d | %d | %d |" % (
            lg, sd["lang"][lg], st["lang"][lg], sd["lang"][lg] + st["lang"][lg]))
    lines.append("| notes without PII | %d | %d | %d |" % (
        sd["no_pii"], st["no_pii"], sd["no_pii"] + st["no_pii"]))
    lines.append("| spans (all types) | %d | %d | %d |" % (
        sd["spans"], st["spans"], sd["spans"] + st["spans"]))
    for t in TYPES:
        lines.append("| spans `%s` | %d | %d | %d |" % (
            t, sd["types"][t], st["types"][t], tot_types[t]))
    return "\n".join(lines)


def main(argv):
    notes, errors = load_notes()
    if errors:
        for e in errors:
            print("ERROR:", e, file=sys.stderr)
        sys.exit(1)
    dev, test = split_notes(notes)
    out = {"dev": records("dev", dev), "test": records("test", test)}
    # re-verify the serialised records before writing anything
    for name, recs in out.items():
        for r in recs:
            for sp in r["spans"]:
                assert r["text"][sp["start"]:sp["end"]] == sp["text"], r["id"]
    sums = []
    for name in ("dev", "test"):
        payload = "".join(json.dumps(r, ensure_ascii=False) + "\n"
                          for r in out[name]).encode("utf-8")
        # round-trip check
        for line in payload.decode("utf-8").splitlines():
            r = json.loads(line)
            for sp in r["spans"]:
                assert r["text"][sp["start"]:sp["end"]] == sp["text"], r["id"]
        path = os.path.join(HERE, name + ".jsonl")
        with open(path, "wb") as fh:
            fh.write(payload)
        sums.append("%s  %s.jsonl\n" % (hashlib.sha256(payload).hexdigest(), name))
    with open(os.path.join(HERE, "SHA256SUMS"), "w", encoding="utf-8") as fh:
        fh.write("".join(sums))
    sd, st = stats(out["dev"]), stats(out["test"])
    table = stats_markdown(sd, st)
    readme = os.path.join(HERE, "README.md")
    if os.path.exists(readme):
        with open(readme, encoding="utf-8") as fh:
            body = fh.read()
        begin, end = "<!-- STATS:BEGIN -->", "<!-- STATS:END -->"
        if begin in body and end in body:
            head, rest = body.split(begin, 1)
            _, tail = rest.split(end, 1)
            new = head + begin + "\n" + table + "\n" + end + tail
            if new != body:
                with open(readme, "w", encoding="utf-8") as fh:
                    fh.write(new)
    print(table)
    if "-v" in argv:
        allrecs = out["dev"] + out["test"]
        tt = sd["types"] + st["types"]
        n = sum(tt.values())
        for t in TYPES:
            print("%-12s %4d %5.1f%%" % (t, tt[t], 100.0 * tt[t] / max(n, 1)))
        persons = Counter(sp["text"] for r in allrecs for sp in r["spans"]
                          if sp["type"] == "PERSON")
        print("distinct PERSON strings:", len(persons), "of", sum(persons.values()))
        print("repeated:", [p for p, c in persons.items() if c > 1])
        wl = [len(r["text"].split()) for r in allrecs if r["lang"] != "ja"]
        print("words (non-ja) min/max:", min(wl), max(wl))
        print("no-PII share: %.1f%%" % (100.0 * (sd["no_pii"] + st["no_pii"]) / len(allrecs)))


if __name__ == "__main__":
    main(sys.argv[1:])
