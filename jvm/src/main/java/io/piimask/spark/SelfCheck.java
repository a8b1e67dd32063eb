package io.piimask.spark;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;

/**
 * {@code java -cp piimask-spark-VERSION.jar io.piimask.spark.SelfCheck}: checks the built jar on
 * its own, with no Spark on the class path: the RFC 4231 HMAC-SHA256 vectors, and that the
 * relocated libphonenumber still finds its metadata resources. Exits non-zero on a failure.
 */
public final class SelfCheck {
  private SelfCheck() {}

  /** RFC 4231 section 4, HMAC-SHA-256: {key hex, data hex, MAC hex (case 5: the first 128 bits)}. */
  public static final String[][] RFC4231 = {
    {"0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", hex("Hi There"),
      "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
    {hex("Jefe"), hex("what do ya want for nothing?"),
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
    {"aa".repeat(20), "dd".repeat(50),
      "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
    {"0102030405060708090a0b0c0d0e0f10111213141516171819", "cd".repeat(50),
      "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
    {"0c".repeat(20), hex("Test With Truncation"), "a3b6167473100ee06e0c796c2955552b"},
    {"aa".repeat(131), hex("Test Using Larger Than Block-Size Key - Hash Key First"),
      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
    {"aa".repeat(131), hex("This is a test using a larger than block-size key and a larger than "
        + "block-size data. The key needs to be hashed before being used by the HMAC algorithm."),
      "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
  };

  static String hex(String ascii) {
    return HexFormat.of().formatHex(ascii.getBytes(StandardCharsets.US_ASCII));
  }

  /** Runs the checks; returns a list of failures, empty if all passed. */
  public static java.util.List<String> run() {
    java.util.List<String> failures = new java.util.ArrayList<>();
    HexFormat hf = HexFormat.of();
    HmacSha256 h = new HmacSha256();
    for (int t = 0; t < RFC4231.length; t++) {
      byte[][] pads = HmacSha256.padKey(hf.parseHex(RFC4231[t][0]));
      String want = RFC4231[t][2];
      String got = h.hex(hf.parseHex(RFC4231[t][1]), pads[0], pads[1], want.length());
      if (!want.equals(got)) {
        failures.add("RFC 4231 case " + (t + 1) + ": " + got + " != " + want);
      }
    }
    try {
      PhoneNumberUtil util = PhoneNumberUtil.getInstance();
      Phonenumber.PhoneNumber n = util.parse("+44 20 7946 0958", "ZZ");
      if (n.getCountryCode() != 44 || !util.isValidNumber(util.parse("(650) 253-0000", "US"))) {
        failures.add("libphonenumber: wrong parse " + n);
      }
      if (!"DE".equals(util.getRegionCodeForNumber(util.parse("030 1234567", "DE")))) {
        failures.add("libphonenumber: German number not recognised");
      }
    } catch (Exception | LinkageError e) { // metadata missing after relocation, for instance
      failures.add("libphonenumber: " + e);
    }
    return failures;
  }

  public static void main(String[] args) {
    java.util.List<String> failures = run();
    String phone = PhoneNumberUtil.class.getName();
    if (failures.isEmpty()) {
      System.out.println("piimask-spark self-check passed (RFC 4231 x" + RFC4231.length + ", " + phone + ")");
    } else {
      failures.forEach(System.err::println);
      System.exit(1);
    }
  }
}
