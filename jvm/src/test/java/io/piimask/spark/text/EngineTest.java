package io.piimask.spark.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class EngineTest {
  @Test
  void keepsEverythingOutsideTheSpansByteForByte() {
    String text = "  cust Jennifer Walsh\t(212) 555-0187 — ok ✓ ";
    assertEquals("  cust [PERSON]\t[PHONE] — ok ✓ ", Cases.redact(null, text));
    assertEquals("", Cases.redact(null, ""));
    assertEquals(null, Engine.forConfig("{}").redact(null, null));
  }

  @Test
  void priorityResolvesOverlapsAndNeighboursMerge() {
    // the name inside the e-mail and the street name are not separate spans
    assertEquals("mail [EMAIL], at [ADDRESS]",
        Cases.redact(null, "mail jennifer.walsh@example.com, at 12 Walsh Rd, Salem, OR 97301"));
    List<Span> merged = Engine.resolve("ab cd", List.of(new Span(0, 2, Kind.PERSON), new Span(3, 5, Kind.PERSON)));
    assertEquals(List.of(new Span(0, 5, Kind.PERSON)), merged);
  }

  @Test
  void placeholdersAndDetectorsComeFromTheConfig() {
    Engine e = Engine.forConfig("{\"detectors\": [\"email\"], \"placeholders\": {\"email\": \"<mail>\"}}");
    assertEquals("<mail> and (212) 555-0187", e.redact("a@example.com and (212) 555-0187", null));
    assertSame(e, Engine.forConfig("{\"detectors\": [\"email\"], \"placeholders\": {\"email\": \"<mail>\"}}"));
    assertThrows(IllegalArgumentException.class, () -> EngineConfig.parse("{\"detectors\": [\"nope\"]}"));
  }

  @Test
  void rowIdentifiersAnyCaseAnySpacingAndNameParts() {
    Engine e = Engine.forConfig("{\"detectors\": [\"identifiers\"]}");
    assertEquals("[PERSON] and [PERSON] again, Mariano no",
        e.redact("MARIA   GOMEZ and gomez again, Mariano no", List.of("Maria Gomez")));
    assertEquals("id [ID] seen", e.redact("id tk-9931-x seen", List.of("TK-9931-X")));
    assertEquals("mail [EMAIL]", e.redact("mail Op.One@Example.com", List.of("op.one@example.com")));
  }

  @Test
  void countAndUndecided() {
    Engine e = Engine.forConfig("{}");
    assertEquals(2, e.piiCount("cust Jennifer Walsh, (212) 555-0187"));
    assertEquals(0, e.piiCount("battery swapped, all good"));
    assertTrue(e.undecided("handed the kit to Zbigwyth at the gate"));
    assertFalse(e.undecided("battery swapped, all good"));
    assertFalse(e.undecided("cust Jennifer Walsh called"));
  }
}
