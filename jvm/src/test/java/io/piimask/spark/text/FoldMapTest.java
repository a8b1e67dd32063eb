package io.piimask.spark.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** Spans found on the folded text replace the same characters of the original. The folded
 * inputs here are what {@code piimask.expr.text.fold_python} gives for the originals. */
class FoldMapTest {
  private static final Engine ENGINE = Engine.forConfig("{}");

  @Test
  void aFullWidthPhoneIsReplacedAndTheOtherLookAlikesKept() {
    String original = "Ｔｏｏｌ　ｏｋ, call (５０３) ５５５-０１９９ at the café";
    String folded = "Tool ok, call (503) 555-0199 at the café";
    assertEquals("Tool ok, call [PHONE] at the café", ENGINE.redact(folded, null));
    assertEquals("Ｔｏｏｌ　ｏｋ, call [PHONE] at the café", ENGINE.redactOriginal(original, folded, null));
  }

  @Test
  void zeroWidthCharactersInsideAnEmailGoWithIt() {
    String original = "mail op1.per\u200bson@exam\u2060ple.com now";
    assertEquals("mail [EMAIL] now",
        ENGINE.redactOriginal(original, "mail op1.person@example.com now", null));
    // mathematical bold letters are two UTF-16 units each, one folded character
    String bold = "mail 𝐨𝐩𝟏.𝐩𝐞𝐫𝐬𝐨𝐧@𝐞𝐱𝐚𝐦𝐩𝐥𝐞.𝐜𝐨𝐦, 𝐨𝐤";
    assertEquals("mail [EMAIL], 𝐨𝐤", ENGINE.redactOriginal(bold, "mail op1.person@example.com, ok", null));
  }

  @Test
  void invisibleCharactersOutsideSpansAreNotPublished() {
    // tag characters (U+E0041...) spell text no detector reads: they are dropped, like in the fold
    String original = "all good\uDB40\uDC41\uDB40\uDC42 here\u200b";
    assertEquals("all good here", ENGINE.redactOriginal(original, "all good here", null));
  }

  @Test
  void textsThatDoNotAlignFallBackToTheFoldedRedaction() {
    assertNull(FoldMap.align("abc", "xyz"));
    assertNull(FoldMap.align("abcd", "abc"));
    assertEquals("call [PHONE]", ENGINE.redactOriginal("unrelated", "call (503) 555-0199", null));
    assertEquals("all good", ENGINE.redactOriginal("all good", "all good", null));
    assertNull(ENGINE.redactOriginal(null, null, null));
  }
}
