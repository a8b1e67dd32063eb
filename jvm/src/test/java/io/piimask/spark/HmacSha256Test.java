package io.piimask.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;

class HmacSha256Test {
  private static final HexFormat HF = HexFormat.of();

  @Test
  void rfc4231VectorsAndRelocatedPhoneMetadata() {
    assertEquals(List.of(), SelfCheck.run());
  }

  @Test
  void rfc4231ThroughTheUdfs() {
    HmacSha256Hex udf = new HmacSha256Hex();
    HmacSha256HexN udfN = new HmacSha256HexN();
    for (String[] t : SelfCheck.RFC4231) {
      byte[][] pads = HmacSha256.padKey(HF.parseHex(t[0]));
      byte[] data = HF.parseHex(t[1]);
      String full = udf.call(data, pads[0], pads[1]);
      assertEquals(64, full.length());
      assertTrue(full.startsWith(t[2]));
      assertEquals(t[2].substring(0, 20), udfN.call(data, pads[0], pads[1], 20));
    }
  }

  @Test
  void nullInputsGiveNull() {
    byte[][] pads = HmacSha256.padKey(new byte[] {1, 2, 3});
    HmacSha256Hex udf = new HmacSha256Hex();
    assertNull(udf.call(null, pads[0], pads[1]));
    assertNull(udf.call(new byte[0], null, pads[1]));
    assertNull(udf.call(new byte[0], pads[0], null));
    assertNull(new HmacSha256HexN().call(new byte[0], pads[0], pads[1], null));
  }

  /** Interleaved keys, fresh arrays on every call (as Spark hands them), any value length. */
  @Test
  void agreesWithJcaMacAcrossInterleavedKeys() throws Exception {
    Random r = new Random(42);
    byte[][] keys = new byte[12][];
    for (int k = 0; k < keys.length; k++) {
      keys[k] = new byte[k == 0 ? 0 : 1 + r.nextInt(100)]; // empty, short and over-block keys
      r.nextBytes(keys[k]);
    }
    HmacSha256 h = new HmacSha256();
    for (int i = 0; i < 5000; i++) {
      byte[] key = keys[r.nextInt(i < 2500 ? 4 : keys.length)];
      byte[] value = new byte[r.nextInt(300)];
      r.nextBytes(value);
      byte[][] pads = HmacSha256.padKey(key); // new arrays each time
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA256"));
      byte[] want = key.length == 0 ? emptyKeyMac(value) : mac.doFinal(value);
      assertArrayEquals(want, h.mac(value, pads[0], pads[1]));
      assertEquals(HF.formatHex(want), h.hex(value, pads[0], pads[1]));
    }
    // 4 keys while i < 2500 and 12 after it, with a cache of 8: some recomputation, not per value
    assertTrue(h.misses() < 2000, "misses: " + h.misses());
  }

  @Test
  void fewMissesForFourInterleavedWindows() {
    HmacSha256 h = new HmacSha256();
    byte[][][] pads = new byte[4][][];
    for (int k = 0; k < 4; k++) {
      pads[k] = HmacSha256.padKey(new byte[] {(byte) k});
    }
    for (int i = 0; i < 1000; i++) {
      byte[][] p = pads[i % 4];
      h.hexBytes(new byte[] {(byte) i}, p[0].clone(), p[1].clone(), 64);
    }
    assertEquals(4, h.misses());
  }

  @Test
  void offsetSliceAndPrefixes() {
    byte[][] pads = HmacSha256.padKey("k".getBytes(StandardCharsets.UTF_8));
    HmacSha256 h = new HmacSha256();
    byte[] buf = "xxns:value@@".getBytes(StandardCharsets.UTF_8);
    String whole = h.hex("ns:value".getBytes(StandardCharsets.UTF_8), pads[0], pads[1]);
    assertEquals(whole, new String(h.hexBytes(buf, 2, 8, pads[0], pads[1], 64), StandardCharsets.US_ASCII));
    for (int n = 0; n <= 64; n++) {
      assertEquals(whole.substring(0, n), h.hex("ns:value".getBytes(StandardCharsets.UTF_8), pads[0], pads[1], n));
    }
  }

  /** JCA refuses an empty key; RFC 2104 pads it to 64 zero bytes, as a 1-byte zero key does. */
  private static byte[] emptyKeyMac(byte[] value) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(new byte[1], "HmacSHA256"));
    byte[] a = mac.doFinal(value);
    assertEquals(32, MessageDigest.getInstance("SHA-256").getDigestLength());
    return a;
  }
}
