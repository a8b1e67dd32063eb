package io.piimask.spark.text;

import org.junit.jupiter.api.Test;

class AddressDetectorTest {
  @Test
  void usAndCanadianAddresses() {
    Cases.check("address",
        "ship to 742 Evergreen Terrace, Springfield, OR 97403 asap", "ship to [ADDRESS] asap",
        "drop at 55 W 22nd St Apt 3C, New York, NY 10010", "drop at [ADDRESS]",
        "pickup 1200 SW Main St, Suite 400", "pickup [ADDRESS]",
        "billing PO Box 4410, Austin, TX 78701", "billing [ADDRESS]",
        "at 12 main st today", "at [ADDRESS] today",
        "deliver to 55 oak st, springfield il 62704 asap", "deliver to [ADDRESS] asap",
        "moved to 300 Rue Notre-Dame Est, Montréal, QC H2Y 1C6", "moved to [ADDRESS]",
        "send to 10 Downing Street, London SW1A 2AA", "send to [ADDRESS]",
        "moved to 2200 Main Street Unit 12 Dallas TX 75201", "moved to [ADDRESS]");
  }

  @Test
  void europeanAndJapaneseAddresses() {
    Cases.check("address",
        "Lieferung: Lindenstraße 14b, 50674 Köln", "Lieferung: [ADDRESS]",
        "an Bahnhofstr. 3, 8001 Zürich", "an [ADDRESS]",
        "an Neue Weg 9, 20095 Hamburg", "an [ADDRESS]",
        "Postfach 12 34 56, 80333 München", "[ADDRESS]",
        "au 5 avenue des Champs, 75008 Paris", "au [ADDRESS]",
        "au 4 bis rue Victor Hugo, bât. C, 69002 Lyon", "au [ADDRESS]",
        "a calle de Alcalá 45, 2º dcha, 28014 Madrid", "a [ADDRESS]",
        "a Avda. de la Constitución 3, 41004 Sevilla", "a [ADDRESS]",
        "Ctra. de Toledo km 12, 28041 Madrid", "[ADDRESS]",
        "Lieferadresse Am Hafen 5, 28217 Bremen", "Lieferadresse [ADDRESS]",
        "livrer au 12 rue de rivoli 75001 paris demain", "livrer au [ADDRESS] demain",
        "enviar a calle mayor 23, 3º izq, 28013 madrid hoy", "enviar a [ADDRESS] hoy",
        "lieferung hauptstr 5, 10115 berlin bitte", "lieferung [ADDRESS] bitte",
        "〒530-0001 大阪府大阪市北区梅田1-1-1", "〒[ADDRESS]",
        "住所 東京都千代田区丸の内1-9-1", "住所 [ADDRESS]",
        "住所 東京都港区芝公園四丁目2番8号 です", "住所 [ADDRESS] です",
        "at 1-9-1 Marunouchi, Chiyoda-ku, Tokyo 100-0005", "at [ADDRESS]");
  }

  @Test
  void citiesSitesStreetsWithoutNumbersAndCountsAreKept() {
    Cases.check("address",
        "obra en Sevilla parada", "=",
        "Baustelle Hauptbahnhof Süd", "=",
        "the Main Street site is closed", "=",
        "14 drills, 9 impacts, 3 hammer drills online", "=",
        "Training 3 people on monday", "=",
        "la calle estaba cerrada 2 horas, 12000 euros", "=",
        "12 rue pas loin du depot", "=",
        "2 Stunden Ring 4 Prüfung", "=");
  }
}
