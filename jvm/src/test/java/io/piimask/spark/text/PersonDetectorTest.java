package io.piimask.spark.text;

import org.junit.jupiter.api.Test;

class PersonDetectorTest {
  @Test
  void namesWithCuesHonorificsAndSuffixes() {
    Cases.check("person",
        "spoke with Jennifer Walsh about it", "spoke with [PERSON] about it",
        "cust Andrzej Nowak complained", "cust [PERSON] complained",
        "per kevin, hold the order", "per [PERSON], hold the order",
        "Frau Müller-Lüdenscheidt ruft zurück", "Frau [PERSON] ruft zurück",
        "Mme Dubois a appelé", "Mme [PERSON] a appelé",
        "según Ramón, no hay stock", "según [PERSON], no hay stock",
        "Tanaka-san ni denwa", "[PERSON]-san ni denwa",
        "田中さんから連絡", "[PERSON]さんから連絡",
        "鈴木 一郎 様", "[PERSON] 様",
        "山田部長から連絡あり", "[PERSON]部長から連絡あり",
        "グエンさんから電話", "[PERSON]さんから電話",
        "Priya (dispatch) confirmed", "[PERSON] (dispatch) confirmed",
        "Kevin's truck has the kit", "[PERSON]'s truck has the kit",
        "NAME: JOHN CARTER", "NAME: [PERSON]");
  }

  @Test
  void fullNamesAndNamesInsideASentence() {
    Cases.check("person",
        "Henrik Larsen will pick it up", "[PERSON] will pick it up",
        "left it with Fatima at the gate", "left it with [PERSON] at the gate",
        "Jean-Luc a récupéré les visseuses", "[PERSON] a récupéré les visseuses",
        "Dimitri and Olga finished the count", "[PERSON] and [PERSON] finished the count",
        "talked w/ Rachel about it", "talked w/ [PERSON] about it",
        "send c/o Brenda Hill", "send c/o [PERSON]",
        "@kevin can you check", "@[PERSON] can you check",
        "per john smith, hold", "per [PERSON], hold",
        "J. Smith picked it up", "[PERSON] picked it up",
        "Dave K. called twice", "[PERSON]. called twice",
        "Martin est parti en vacances", "[PERSON] est parti en vacances",
        "Pedro no vino hoy", "[PERSON] no vino hoy",
        "Austin from the crew took it", "[PERSON] from the crew took it");
  }

  @Test
  void wordsMonthsPlacesAndCompaniesAreKept() {
    Cases.check("person",
        "Will be late to site", "=",
        "The May batch is delayed", "=",
        "grant approved for 10 drills", "=",
        "to be frank it is worse", "=",
        "mark all packs with a date", "=",
        "Paris office closed", "=",
        "Jordan branch reports 3 missing", "=",
        "the Jackson site is dry", "=",
        "Der Koch hat den Schlüssel", "=",
        "Ernst gemeint, keine Flex", "=",
        "Frank & Sons invoice overdue", "=",
        "Smith and Sons invoice overdue", "=",
        "Victoria Station depot closed", "=",
        "Sydney branch requests 5 more kits", "=",
        "Amber light blinking on the charger", "=",
        "see section A. Intro", "=",
        "Rose Hill depot inventory done", "=",
        "Austin is closed for snow", "=",
        "Grant was approved", "=",
        "Luz está apagada en la obra", "=",
        "Termin mit Bosch Service am Montag", "=",
        "現場監督に確認", "=",
        "現場の森で作業中", "=",
        "La visseuse de Paris est en panne", "=",
        "shipped to Denver via UPS", "=");
  }
}
