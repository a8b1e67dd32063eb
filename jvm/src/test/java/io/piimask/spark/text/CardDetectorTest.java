package io.piimask.spark.text;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CardDetectorTest {
  @Test
  void luhnValidCardsInAnyGrouping() {
    Cases.check("card",
        "visa 4111 1111 1111 1111 on file", "visa [CARD] on file",
        "mc 5555-5555-5555-4444", "mc [CARD]",
        "amex 378282246310005 ok", "amex [CARD] ok",
        "diners 3056 930902 5904", "diners [CARD]");
  }

  @Test
  void nonLuhnMaskedAndOrderNumbersAreKept() {
    Cases.check("card",
        "order 4111 1111 1111 1112", "=",
        "card ending 1111", "=",
        "tracking 1234567890123", "=");
    assertTrue(CardDetector.luhn("4242424242424242"));
    assertFalse(CardDetector.luhn("4242424242424241"));
  }
}
