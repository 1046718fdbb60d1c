package org.quantlake.spark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.quantlake.core.image.PreprocessSpec;
import org.quantlake.core.observe.HistogramGrid;
import org.quantlake.core.ptq.CalibrationMethod;
import org.quantlake.core.ptq.WeightRounding;
import org.quantlake.core.quant.QuantDType;

/**
 * Builds a {@link JobConfig} from HOCON: the defaults in {@code reference.conf} (under {@code quantlake}), an optional
 * job config file, and {@code key=value} overrides, each layer winning over the one before. Every key a user gives
 * must exist in the defaults, and every value is type- and range-checked here, so a job never starts with an option
 * it would misread.
 */
public final class JobConfigLoader {
    /** The prefix of our keys in reference.conf; users may write it or leave it out. */
    static final String ROOT = "quantlake";

    private JobConfigLoader() {
    }

    /**
     * Loads the options.
     *
     * @param file      the job config file, or null
     * @param overrides {@code key=value} strings (the CLI's --set), applied in order
     */
    public static JobConfig load(Path file, List<String> overrides) {
        return load(file, overrides, Map.of());
    }

    /**
     * Loads the options, {@code literals} (the CLI's --model, --input, --output: key to value) winning over everything.
     * Their values are taken as they are, never parsed as HOCON (a path such as {@code hdfs://nn/m.onnx} holds a
     * HOCON comment marker).
     */
    public static JobConfig load(Path file, List<String> overrides, Map<String, String> literals) {
        Config defaults = ConfigFactory.defaultReference(JobConfigLoader.class.getClassLoader()).getConfig(ROOT);
        Config user = ConfigFactory.empty();
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                throw new ConfigException("config file " + file + " does not exist (or is not a file)");
            }
            try {
                user = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
            } catch (com.typesafe.config.ConfigException e) {
                throw new ConfigException("cannot parse config file " + file + ": " + e.getMessage(), e);
            }
            if (user.hasPath(ROOT) && user.root().size() == 1) {
                user = user.getConfig(ROOT);  // a file written in reference.conf's own shape
            }
            checkKnown(user, defaults, "config file " + file);
        }
        for (String o : overrides) {
            Config one = parseOverride(o);
            checkKnown(one, defaults, "--set " + o);
            user = one.withFallback(user);
        }
        for (Map.Entry<String, String> e : literals.entrySet()) {
            user = ConfigFactory.empty().withValue(e.getKey(), ConfigValueFactory.fromAnyRef(e.getValue())).withFallback(user);
        }
        Config c;
        try {
            c = user.withFallback(defaults).resolve();
        } catch (com.typesafe.config.ConfigException e) {
            throw new ConfigException("cannot resolve the job options: " + e.getMessage(), e);
        }
        return build(c);
    }

    /** The defaults alone (tests and documentation). */
    public static JobConfig defaults() {
        return load(null, List.of());
    }

    /**
     * {@code key=value}: the value is HOCON when it parses to a number, boolean, null, list, object or quoted string;
     * anything else is literal text (a SQL filter with '=' in it, a URI whose "//" HOCON would read as a comment).
     */
    static Config parseOverride(String o) {
        int eq = o.indexOf('=');
        if (eq <= 0) {
            throw new ConfigException("override '" + o + "' is not key=value");
        }
        String key = o.substring(0, eq).trim();
        if (key.startsWith(ROOT + ".")) key = key.substring(ROOT.length() + 1);
        String raw = o.substring(eq + 1).trim();
        ConfigValue value;
        try {
            value = ConfigFactory.parseString("v = " + raw).getValue("v");
            if (value.valueType() == com.typesafe.config.ConfigValueType.STRING && !raw.startsWith("\"")) {
                value = ConfigValueFactory.fromAnyRef(raw);
            }
        } catch (com.typesafe.config.ConfigException e) {
            value = ConfigValueFactory.fromAnyRef(raw);
        }
        try {
            return ConfigFactory.empty().withValue(key, value);
        } catch (com.typesafe.config.ConfigException e) {
            throw new ConfigException("override '" + o + "': bad key '" + key + "': " + e.getMessage(), e);
        }
    }

    /** Every path in {@code user} must exist in the defaults; the error suggests the nearest known key. */
    static void checkKnown(Config user, Config defaults, String where) {
        for (Map.Entry<String, ConfigValue> e : user.entrySet()) {
            String path = e.getKey();
            if (!defaults.hasPathOrNull(path)) {
                throw new ConfigException("unknown option '" + path + "' in " + where + nearest(path, defaults)
                        + " (every option is listed, with its default, in spark-job's reference.conf)");
            }
        }
    }

    private static String nearest(String path, Config defaults) {
        // The right name in the wrong block ("input.tensor-column") is the commonest slip: match the last segment.
        String leaf = path.substring(path.lastIndexOf('.') + 1);
        for (String known : leafPaths(defaults.root(), "")) {
            if (known.endsWith("." + leaf) || known.equals(leaf)) return "; did you mean '" + known + "'?";
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String known : leafPaths(defaults.root(), "")) {
            int d = levenshtein(path, known);
            if (d < bestDistance) {
                bestDistance = d;
                best = known;
            }
        }
        return best != null && bestDistance <= Math.max(3, path.length() / 4) ? "; did you mean '" + best + "'?" : "";
    }

    /** Every leaf path, null-valued ones included (Config.entrySet skips those). */
    private static List<String> leafPaths(com.typesafe.config.ConfigObject o, String prefix) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, ConfigValue> e : o.entrySet()) {
            String p = prefix + e.getKey();
            if (e.getValue() instanceof com.typesafe.config.ConfigObject child) out.addAll(leafPaths(child, p + "."));
            else out.add(p);
        }
        return out;
    }

    static int levenshtein(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static JobConfig build(Config c) {
        Reader r = new Reader(c);
        InputSpec input = new InputSpec(
                r.choice("input.format", InputSpec.Format.class),
                r.string("input.path"),
                r.string("input.base-path"),
                r.string("input.filter"),
                r.intIn("input.partitions", 0, 1_000_000),
                r.string("input.id-column"),
                r.string("input.label-column"),
                r.strings("input.partition-columns"),
                parquet(r),
                images(r));
        CalibrationSpec calibration = new CalibrationSpec(
                r.parsed("calibration.method", CalibrationMethod::parse),
                r.doubleIn("calibration.percentile", Math.ulp(0.0), 100),
                r.intIn("calibration.bins", 2, HistogramGrid.MAX_BINS),
                r.parsed("calibration.activation-dtype", JobConfigLoader::activationDtype),
                r.bool("calibration.activation-symmetric"),
                r.bool("calibration.per-channel-weights"),
                r.parsed("calibration.weight-rounding", WeightRounding::parse),
                r.bool("calibration.reduce-range"),
                r.strings("calibration.exclude"),
                r.doubleIn("calibration.fraction", 0, 1),
                r.longValue("calibration.seed"),
                r.intIn("calibration.batch-size", 1, 65_536),
                r.intIn("calibration.tree-depth", 1, 16),
                r.string("calibration.dataset-description"));
        ScoringSpec scoring = new ScoringSpec(
                r.string("scoring.quantized-model"),
                r.intIn("scoring.batch-size", 1, 65_536),
                r.intIn("scoring.top-k", 1, 1_000_000),
                r.string("scoring.class-names"),
                r.bool("scoring.drift.enabled"),
                r.doubleIn("scoring.drift.fraction", 0, 1),
                r.longValue("scoring.drift.seed"));
        checkColumns(input);
        String effective = c.root().render(ConfigRenderOptions.concise());
        return new JobConfig(r.string("model"), r.string("output"), input, calibration, scoring,
                r.doubleIn("rejects.max-fraction", 0, 1), effective);
    }

    private static ParquetSpec parquet(Reader r) {
        String order = r.string("input.parquet.byte-order");
        boolean big = switch (order == null ? "" : order.toLowerCase(Locale.ROOT)) {
            case "little-endian" -> false;
            case "big-endian" -> true;
            default -> throw new ConfigException("option input.parquet.byte-order: expected little-endian or big-endian, got '"
                    + order + "'");
        };
        List<Integer> shape = r.ints("input.parquet.shape");
        for (int d : shape) {
            if (d < 1) throw new ConfigException("option input.parquet.shape: dimensions must be >= 1, got " + shape);
        }
        String tensor = r.string("input.parquet.tensor-column");
        if (tensor == null || tensor.isBlank()) {
            throw new ConfigException("option input.parquet.tensor-column must name a column");
        }
        return new ParquetSpec(tensor, r.choice("input.parquet.encoding", ParquetSpec.Encoding.class),
                r.choice("input.parquet.dtype", ParquetSpec.DType.class), big, shape);
    }

    private static ImageSpec images(Reader r) {
        String p = "input.images.";
        String preset = r.string(p + "preset");
        PreprocessSpec spec;
        if (preset != null) {
            spec = ImageSpec.preset(preset);
            if (spec == null) {
                throw new ConfigException("option input.images.preset: unknown preset '" + preset
                        + "' (imagenet-caffe-bgr, imagenet-torchvision)");
            }
        } else {
            List<Integer> crop = r.ints(p + "preprocess.crop");
            if (crop.size() != 0 && crop.size() != 2) {
                throw new ConfigException("option input.images.preprocess.crop: give [height, width] or [], got " + crop);
            }
            try {
                spec = new PreprocessSpec(r.intIn(p + "preprocess.resize-shorter", 0, 65_536),
                        crop.isEmpty() ? 0 : crop.get(0), crop.isEmpty() ? 0 : crop.get(1),
                        r.choice(p + "preprocess.channel-order", PreprocessSpec.ChannelOrder.class),
                        (float) r.doubleIn(p + "preprocess.scale", -Double.MAX_VALUE, Double.MAX_VALUE),
                        floats(r.doubles(p + "preprocess.mean")), floats(r.doubles(p + "preprocess.std")),
                        r.choice(p + "preprocess.layout", PreprocessSpec.Layout.class));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("option input.images.preprocess: " + e.getMessage(), e);
            }
        }
        String labelPattern = r.string(p + "label-pattern");
        String classIndex = r.string(p + "class-index");
        if (labelPattern != null) {
            try {
                if (Pattern.compile(labelPattern).matcher("").groupCount() < 1) {
                    throw new ConfigException("option input.images.label-pattern needs a group: group 1 is the class name");
                }
            } catch (PatternSyntaxException e) {
                throw new ConfigException("option input.images.label-pattern is not a valid regex: " + e.getMessage(), e);
            }
            if (classIndex == null) {
                throw new ConfigException("option input.images.label-pattern needs input.images.class-index (the file"
                        + " that maps class names to indices)");
            }
        }
        List<Float> mean = new ArrayList<>();
        List<Float> std = new ArrayList<>();
        for (float f : spec.mean()) mean.add(f);
        for (float f : spec.std()) std.add(f);
        return new ImageSpec(r.string(p + "glob"), r.intIn(p + "per-partition", 1, 1_000_000),
                spec.resizeShorter(), spec.cropHeight(), spec.cropWidth(), spec.order(), spec.scale(), mean, std,
                spec.layout(), labelPattern, classIndex);
    }

    /** Column options must not name one column twice: outputs would get duplicate columns. */
    private static void checkColumns(InputSpec in) {
        if (new TreeSet<>(in.partitionColumns()).size() != in.partitionColumns().size()) {
            throw new ConfigException("option input.partition-columns lists a column twice: " + in.partitionColumns());
        }
        Map<String, String> seen = new LinkedHashMap<>();
        List<String[]> named = new ArrayList<>();
        if (in.idColumn() != null) named.add(new String[] {in.idColumn(), "input.id-column"});
        if (in.labelColumn() != null) named.add(new String[] {in.labelColumn(), "input.label-column"});
        for (String p : in.partitionColumns()) named.add(new String[] {p, "input.partition-columns"});
        if (in.format() == InputSpec.Format.PARQUET) {
            named.add(new String[] {in.parquet().tensorColumn(), "input.parquet.tensor-column"});
        }
        for (String[] n : named) {
            String before = seen.putIfAbsent(n[0], n[1]);
            if (before != null) {
                throw new ConfigException("column '" + n[0] + "' is named by both " + before + " and " + n[1]);
            }
        }
    }

    private static QuantDType activationDtype(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "uint8", "quint8" -> QuantDType.QUINT8;
            case "int8", "qint8" -> QuantDType.QINT8;
            default -> throw new IllegalArgumentException("expected uint8 or int8, got '" + s + "'");
        };
    }

    private static float[] floats(List<Double> d) {
        float[] f = new float[d.size()];
        for (int i = 0; i < f.length; i++) f[i] = d.get(i).floatValue();
        return f;
    }

    /** Typed reads that turn Typesafe's exceptions into messages naming the option. */
    private record Reader(Config c) {
        String string(String path) {
            if (c.getIsNull(path)) return null;
            return get(path, () -> c.getString(path));
        }

        boolean bool(String path) {
            return get(path, () -> c.getBoolean(path));
        }

        long longValue(String path) {
            return get(path, () -> c.getLong(path));
        }

        int intIn(String path, int lo, int hi) {
            int v = get(path, () -> c.getInt(path));
            if (v < lo || v > hi) throw new ConfigException("option " + path + " must be in [" + lo + ", " + hi + "], got " + v);
            return v;
        }

        double doubleIn(String path, double lo, double hi) {
            double v = get(path, () -> c.getDouble(path));
            if (!(v >= lo && v <= hi)) {
                throw new ConfigException("option " + path + " must be in [" + lo + ", " + hi + "], got " + v);
            }
            return v;
        }

        List<String> strings(String path) {
            return get(path, () -> c.getStringList(path));
        }

        List<Integer> ints(String path) {
            return get(path, () -> c.getIntList(path));
        }

        List<Double> doubles(String path) {
            return get(path, () -> c.getDoubleList(path));
        }

        <E extends Enum<E>> E choice(String path, Class<E> type) {
            String v = string(path);
            List<String> allowed = new ArrayList<>();
            for (E e : type.getEnumConstants()) {
                String name = e.name().toLowerCase(Locale.ROOT).replace('_', '-');
                allowed.add(name);
                if (v != null && (name.equals(v.toLowerCase(Locale.ROOT)) || e.name().equals(v))) return e;
            }
            throw new ConfigException("option " + path + ": expected one of " + allowed + ", got '" + v + "'");
        }

        <T> T parsed(String path, Function<String, T> parse) {
            String v = string(path);
            if (v == null) throw new ConfigException("option " + path + " must be set");
            try {
                return parse.apply(v);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("option " + path + ": " + e.getMessage(), e);
            }
        }

        private <T> T get(String path, java.util.function.Supplier<T> read) {
            try {
                if (c.getIsNull(path)) throw new ConfigException("option " + path + " must be set");
                return read.get();
            } catch (com.typesafe.config.ConfigException.WrongType e) {
                throw new ConfigException("option " + path + " has the wrong type: " + e.getMessage(), e);
            } catch (com.typesafe.config.ConfigException e) {
                throw new ConfigException("option " + path + ": " + e.getMessage(), e);
            }
        }
    }
}
