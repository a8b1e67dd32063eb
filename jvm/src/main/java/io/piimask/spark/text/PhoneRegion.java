package io.piimask.spark.text;

import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.metadata.DefaultMetadataDependenciesProvider;
import com.google.i18n.phonenumbers.NumberParseException;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One region's phone metadata from libphonenumber (the shaded copy), compiled once for a fast
 * validity check of national digits: the national prefix stripped as libphonenumber's parser
 * strips it, then the national number matched against the region's general pattern and possible
 * lengths (the union of its fixed-line, mobile, toll-free... patterns). Regions whose prefix
 * needs a transform rule go through libphonenumber's own parse and isValidNumberForRegion.
 */
final class PhoneRegion {
  private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

  final String region;
  final String trunk;
  private final Pattern prefixForParsing;
  private final Pattern general;
  private final Set<Integer> lengths = new HashSet<>(), localLengths = new HashSet<>();
  private int minLength = Integer.MAX_VALUE, maxLength = 0;
  /** the number types' patterns and possible lengths (fixed line, mobile, toll free...) */
  private final java.util.List<Pattern> typePatterns = new java.util.ArrayList<>();
  private final java.util.List<Set<Integer>> typeLengths = new java.util.ArrayList<>();
  private final boolean slow;
  /** digits starting with these go through the library's own parse (country code, IDD prefix) */
  private String countryCode = "";
  private Pattern internationalPrefix;

  PhoneRegion(String region) {
    this(region, 0);
  }

  /** A region, or with region "001" the non-geographic entity of country code {@code cc}. */
  PhoneRegion(String region, int cc) {
    this.region = region;
    var source = DefaultMetadataDependenciesProvider.getInstance().getPhoneNumberMetadataSource();
    boolean nonGeo = "001".equals(region);
    var meta = nonGeo ? source.getMetadataForNonGeographicalRegion(cc) : source.getMetadataForRegion(region);
    String ndd = nonGeo ? null : UTIL.getNddPrefixForRegion(region, true);
    this.trunk = ndd == null ? "" : ndd;
    if (meta == null) {
      prefixForParsing = general = null;
      slow = true;
      return;
    }
    lengths.addAll(meta.getGeneralDesc().getPossibleLengthList());
    localLengths.addAll(meta.getGeneralDesc().getPossibleLengthLocalOnlyList());
    for (int n : lengths) {
      minLength = Math.min(minLength, n);
      maxLength = Math.max(maxLength, n);
    }
    for (var desc : java.util.List.of(meta.getPremiumRate(), meta.getTollFree(), meta.getSharedCost(),
        meta.getVoip(), meta.getPersonalNumber(), meta.getPager(), meta.getUan(), meta.getVoicemail(),
        meta.getFixedLine(), meta.getMobile())) {
      if (desc != null && desc.hasNationalNumberPattern() && !desc.getNationalNumberPattern().isEmpty()) {
        typePatterns.add(Pattern.compile(desc.getNationalNumberPattern()));
        typeLengths.add(new HashSet<>(desc.getPossibleLengthList()));
      }
    }
    countryCode = String.valueOf(meta.getCountryCode());
    String idd = meta.getInternationalPrefix();
    internationalPrefix = idd == null || idd.isEmpty() ? null : Pattern.compile(idd);
    String p = meta.getNationalPrefixForParsing();
    prefixForParsing = p == null || p.isEmpty() ? null : Pattern.compile(p);
    general = Pattern.compile(meta.getGeneralDesc().getNationalNumberPattern());
    slow = meta.hasNationalPrefixTransformRule() && !meta.getNationalPrefixTransformRule().isEmpty();
  }

  /**
   * Whether the national significant number of an international number has a possible length here
   * (PhoneNumberUtil.isPossibleNumber), also after this region's national prefix.
   */
  boolean possibleInternational(String nsn) {
    if (lengths.isEmpty()) {
      return nsn.length() >= 4 && nsn.length() <= 17;
    }
    if (lengths.contains(nsn.length()) || localLengths.contains(nsn.length())) {
      return true;
    }
    if (prefixForParsing != null) {
      var m = prefixForParsing.matcher(nsn);
      if (m.lookingAt() && m.end() > 0) {
        int n = nsn.length() - m.end();
        return lengths.contains(n) || localLengths.contains(n);
      }
    }
    return false;
  }

  /** The region of an international number's country code and its national significant number
   * (as PhoneNumberUtil.extractCountryCode reads them), or null when no country code fits. */
  static PhoneRegion ofInternational(String digits, java.util.Map<Integer, PhoneRegion> cache) {
    for (int i = 1; i <= 3 && i < digits.length(); i++) {
      int cc = Integer.parseInt(digits.substring(0, i));
      String main = UTIL.getRegionCodeForCountryCode(cc);
      if (!"ZZ".equals(main)) {
        return cache.computeIfAbsent(cc, k -> new PhoneRegion(main, k));
      }
    }
    return null;
  }

  String countryCode() {
    return countryCode;
  }

  /** A cheap necessary condition: the digits' length (less a trunk prefix) is possible here. */
  boolean lengthFits(String digits) {
    int n = digits.length();
    return lengths.isEmpty() || lengths.contains(n)
        || !trunk.isEmpty() && digits.startsWith(trunk) && lengths.contains(n - trunk.length());
  }

  /**
   * Whether national digits (no + or country code) form a valid number of this region: the
   * national prefix stripped as PhoneNumberUtil.parse strips it (only when the original is not
   * viable while the rest is, and the rest has a possible length), then the number types' patterns
   * and lengths as isValidNumberForRegion checks them.
   */
  boolean valid(String digits) {
    // the parser may read a leading country code or international prefix: let it
    if (slow || digits.startsWith(countryCode)
        || internationalPrefix != null && internationalPrefix.matcher(digits).lookingAt()) {
      return parsedValid(digits);
    }
    String nsn = digits;
    if (prefixForParsing != null) {
      var m = prefixForParsing.matcher(digits);
      if (m.lookingAt()) {
        String rest = digits.substring(m.end());
        boolean keep = general.matcher(digits).matches() && !general.matcher(rest).matches();
        if (!keep && possibleOrTooLong(rest.length())) {
          nsn = rest;
        }
      }
    }
    if (nsn.length() < 2 || nsn.length() > 17 || !general.matcher(nsn).matches()
        || !lengths.isEmpty() && !lengths.contains(nsn.length())) {
      return false;
    }
    for (int i = 0; i < typePatterns.size(); i++) {
      Set<Integer> ls = typeLengths.get(i);
      if ((ls.isEmpty() || ls.contains(nsn.length())) && typePatterns.get(i).matcher(nsn).matches()) {
        return true;
      }
    }
    return false;
  }

  /** testNumberLength's IS_POSSIBLE or TOO_LONG (the cases where parse keeps a stripped prefix). */
  private boolean possibleOrTooLong(int n) {
    return lengths.contains(n) || n > maxLength && !localLengths.contains(n);
  }

  /** The library's own check, for regions with a prefix transform rule. */
  boolean parsedValid(String digits) {
    try {
      PhoneNumber p = UTIL.parse(digits, region);
      return UTIL.isValidNumberForRegion(p, region);
    } catch (NumberParseException e) {
      return false;
    }
  }
}
