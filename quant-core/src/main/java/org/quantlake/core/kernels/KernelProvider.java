package org.quantlake.core.kernels;

import java.lang.reflect.InvocationTargetException;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Picks the kernel implementation once per JVM, for the {@link FloatKernels} and {@link Int8Kernels} together: the
 * native kernels when quant-core's native library loads and the CPU has at least AVX2 (native int8 kernels, and
 * {@link NativeFloatKernels}: native float convolutions with the Vector API kernels for the other float loops, where
 * the level's float kernels run: they also need FMA); otherwise the Vector API kernels when the {@code jdk.incubator.vector} module is present; otherwise
 * the plain-Java ones. Every fallback logs a single warning saying why.
 *
 * <p>The system property {@value #PROPERTY} forces the choice: {@code java}, {@code panama}, {@code native} or
 * {@code auto} (the default); {@value #LEVEL_PROPERTY} forces the native dispatch level ({@code avx512vnni},
 * {@code avxvnni}, {@code avx2}, or {@code auto}: the best this CPU runs). Forcing what cannot run here is an error,
 * not a silent fallback.
 */
public final class KernelProvider {

    /** System property that forces the implementation: {@code java}, {@code panama}, {@code native} or {@code auto}. */
    public static final String PROPERTY = "quantlake.kernels";
    /** System property that forces the native dispatch level: {@code avx512vnni}, {@code avxvnni}, {@code avx2}, auto. */
    public static final String LEVEL_PROPERTY = "quantlake.native.level";

    static final String VECTOR_MODULE = "jdk.incubator.vector";
    /** The exact JVM flag users need; every warning and error names it. */
    static final String ENABLE_FLAG = "--add-modules " + VECTOR_MODULE;
    // Named, never imported: this source root must not link against the incubator module.
    static final String PANAMA_CLASS = "org.quantlake.core.kernels.PanamaFloatKernels";
    static final String PANAMA_INT8_CLASS = "org.quantlake.core.kernels.PanamaInt8Kernels";
    /** The plain-Java family, always available. */
    static final KernelSet JAVA = new KernelSet(DefaultFloatKernels.INSTANCE, DefaultInt8Kernels.INSTANCE);

    private static final System.Logger LOG = System.getLogger(KernelProvider.class.getName());

    private KernelProvider() {
    }

    /** The float kernels chosen for this JVM (the same instance on every call); throws if the forced choice failed. */
    public static FloatKernels floatKernels() {
        return chosen().floats();
    }

    /** The int8 kernels chosen for this JVM, from the same family as {@link #floatKernels()}. */
    public static Int8Kernels int8Kernels() {
        return chosen().int8();
    }

    private static KernelSet chosen() {
        if (Chosen.FAILURE != null) {
            throw new IllegalStateException(Chosen.FAILURE.getMessage(), Chosen.FAILURE);
        }
        return Chosen.KERNELS;
    }

    /** The plain-Java float kernels, always available (for tests and benchmarks). */
    public static FloatKernels javaKernels() {
        return DefaultFloatKernels.INSTANCE;
    }

    /** The Vector API float kernels, or empty when this JVM cannot run them (for tests and benchmarks). */
    public static Optional<FloatKernels> panamaKernels() {
        return Panama.KERNELS.map(KernelSet::floats);
    }

    /** The plain-Java int8 kernels, always available (for tests and benchmarks). */
    public static Int8Kernels javaInt8Kernels() {
        return DefaultInt8Kernels.INSTANCE;
    }

    /** The Vector API int8 kernels, or empty when this JVM cannot run them (for tests and benchmarks). */
    public static Optional<Int8Kernels> panamaInt8Kernels() {
        return Panama.KERNELS.map(KernelSet::int8);
    }

    /** The native dispatch levels this JVM and CPU run, best first (empty without the native library). */
    public static List<NativeLevel> nativeLevels() {
        return List.copyOf(NativeLibrary.status().levels());
    }

    /** The native int8 kernels at one level, or empty when it cannot run here (for tests and benchmarks). */
    public static Optional<Int8Kernels> nativeInt8Kernels(NativeLevel level) {
        return Optional.ofNullable(Native.KERNELS.get(level));
    }

    /**
     * The native float kernels at one level (native convolutions, the best Java float kernels for the rest), or
     * empty when they cannot run here (for tests and benchmarks).
     */
    public static Optional<FloatKernels> nativeFloatKernels(NativeLevel level) {
        if (!NativeFloatKernels.runs(level)) {
            return Optional.empty();
        }
        FloatKernels java = panamaKernels().orElse(DefaultFloatKernels.INSTANCE);
        return Optional.of(new NativeFloatKernels(level, java));
    }

    /** Why the native kernels cannot run in this JVM, or empty when they can. */
    public static Optional<String> nativeUnavailableReason() {
        return NativeLibrary.unavailableReason();
    }

    /** One implementation family: float and int8 kernels are chosen together, never mixed. */
    record KernelSet(FloatKernels floats, Int8Kernels int8) {
    }

    /** What {@link #select} decided: the kernels, and the one warning to log when it fell back. */
    record Selection(KernelSet kernels, Optional<String> warning) {
    }

    /**
     * The selection rule, free of global state so tests can run every branch in one JVM.
     *
     * @param requested           the property value ({@code null} or blank means {@code auto})
     * @param vectorModulePresent whether {@code jdk.incubator.vector} is in the boot layer
     * @param loadPanama          creates both Vector API kernels; may throw {@link UnsupportedOperationException}
     *                            (unsuitable hardware) or {@link LinkageError}; only called when the module is present
     * @param loadNative          the native int8 kernels at the chosen level; throws
     *                            {@link UnsupportedOperationException} (with the reason) when they cannot run here,
     *                            {@link IllegalStateException} when a forced level cannot
     * @throws IllegalArgumentException on an unknown value
     * @throws IllegalStateException    when {@code panama} or {@code native} is requested but cannot be loaded
     */
    static Selection select(String requested, boolean vectorModulePresent, Supplier<KernelSet> loadPanama,
                            Supplier<Int8Kernels> loadNative) {
        String mode = requested == null || requested.isBlank() ? "auto" : requested.trim().toLowerCase(Locale.ROOT);
        switch (mode) {
            case "java":
                return new Selection(JAVA, Optional.empty());
            case "panama":
                if (!vectorModulePresent) {
                    throw new IllegalStateException(PROPERTY + "=panama, but the " + VECTOR_MODULE
                            + " module is not available in this JVM: add the JVM flag " + ENABLE_FLAG);
                }
                try {
                    return new Selection(loadPanama.get(), Optional.empty());
                } catch (UnsupportedOperationException | LinkageError e) {
                    throw new IllegalStateException(PROPERTY + "=panama, but the Vector API kernels cannot run here: "
                            + e.getMessage(), e);
                }
            case "native": {
                Int8Kernels int8;
                try {
                    int8 = loadNative.get();
                } catch (UnsupportedOperationException e) {
                    throw new IllegalStateException(PROPERTY + "=native, but the native kernels cannot run here: "
                            + e.getMessage(), e);
                }
                Selection floats = javaOrPanama(vectorModulePresent, loadPanama);
                return new Selection(new KernelSet(nativeFloats(int8, floats.kernels().floats()), int8),
                        floats.warning());
            }
            case "auto": {
                Selection fallback = javaOrPanama(vectorModulePresent, loadPanama);
                try {
                    Int8Kernels int8 = loadNative.get();
                    return new Selection(new KernelSet(nativeFloats(int8, fallback.kernels().floats()), int8),
                            fallback.warning());
                } catch (UnsupportedOperationException e) {
                    // One line for everything that fell back: the native reason, then the float kernels' own.
                    String uses = fallback.kernels() == JAVA ? "plain-Java" : "Vector API";
                    return new Selection(fallback.kernels(), Optional.of("The native kernels cannot run here ("
                            + e.getMessage() + "), so quant-core uses its " + uses + " int8 and float kernels."
                            + fallback.warning().map(w -> " " + w).orElse("")));
                }
            }
            default:
                throw new IllegalArgumentException(
                        PROPERTY + " must be one of java, panama, native, auto; got '" + requested + "'");
        }
    }

    /**
     * The float kernels of the native family: {@link NativeFloatKernels} at the native int8 kernels' level, over
     * {@code javaFloats} (the Java float kernels chosen otherwise), when the level's float kernels run here; else
     * {@code javaFloats} (and for int8 kernels that are not native, as tests pass).
     */
    static FloatKernels nativeFloats(Int8Kernels int8, FloatKernels javaFloats) {
        if (int8 instanceof NativeInt8Kernels && NativeFloatKernels.runs(((NativeInt8Kernels) int8).level())) {
            return new NativeFloatKernels(((NativeInt8Kernels) int8).level(), javaFloats);
        }
        return javaFloats;
    }

    /** The Vector API kernels when they load, else the plain-Java ones with the warning saying why. */
    private static Selection javaOrPanama(boolean vectorModulePresent, Supplier<KernelSet> loadPanama) {
        if (!vectorModulePresent) {
            return new Selection(JAVA, Optional.of("The " + VECTOR_MODULE
                    + " module is not available, so quant-core uses its slower plain-Java kernels. "
                    + "To enable the Vector API kernels, add the JVM flag " + ENABLE_FLAG + "."));
        }
        try {
            return new Selection(loadPanama.get(), Optional.empty());
        } catch (UnsupportedOperationException | LinkageError e) {
            return new Selection(JAVA, Optional.of("The Vector API kernels cannot run here (" + e
                    + "), so quant-core uses its slower plain-Java kernels."));
        }
    }

    /**
     * The native kernels at the level {@code requestedLevel} names ({@code null}, blank or {@code auto}: the best
     * of {@code available}).
     *
     * @throws UnsupportedOperationException when no level runs here ({@code unavailable} says why)
     * @throws IllegalStateException         when the forced level is not among {@code available}
     */
    static Int8Kernels nativeAt(String requestedLevel, List<NativeLevel> available, Optional<String> unavailable,
                                java.util.function.Function<NativeLevel, Int8Kernels> kernels) {
        String want = requestedLevel == null || requestedLevel.isBlank() ? "auto" : requestedLevel.trim();
        NativeLevel forced = want.equalsIgnoreCase("auto") ? null : NativeLevel.parse(want);
        if (available.isEmpty()) {
            throw new UnsupportedOperationException(unavailable.orElse("no native level runs here"));
        }
        if (forced != null && !available.contains(forced)) {
            throw new IllegalStateException(LEVEL_PROPERTY + "=" + forced.id() + ", but this CPU runs only "
                    + available.stream().map(NativeLevel::id).toList());
        }
        return kernels.apply(forced != null ? forced : available.get(0));
    }

    static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
    }

    /** Instantiates both Vector API kernels reflectively; call only when the module is present. */
    static KernelSet loadPanama() {
        return new KernelSet(instantiate(PANAMA_CLASS, FloatKernels.class),
                instantiate(PANAMA_INT8_CLASS, Int8Kernels.class));
    }

    private static <T> T instantiate(String className, Class<T> type) {
        try {
            return type.cast(Class.forName(className).getDeclaredConstructor().newInstance());
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw new IllegalStateException(cause);
        } catch (ReflectiveOperationException e) {
            throw new LinkageError(className + " is missing from quant-core or lacks its no-argument constructor", e);
        }
    }

    /** Lazily loaded Vector API kernels (a holder class: initialised on first use, exactly once). */
    private static final class Panama {
        static final Optional<KernelSet> KERNELS = load();

        private static Optional<KernelSet> load() {
            if (!vectorModulePresent()) {
                return Optional.empty();
            }
            try {
                return Optional.of(loadPanama());
            } catch (UnsupportedOperationException | LinkageError e) {
                return Optional.empty(); // the reason is logged by Chosen, which retries to get it
            }
        }
    }

    /** One native kernel object per level this CPU runs (a holder class: the library loads on first use). */
    private static final class Native {
        static final Map<NativeLevel, Int8Kernels> KERNELS = load();

        private static Map<NativeLevel, Int8Kernels> load() {
            Map<NativeLevel, Int8Kernels> m = new EnumMap<>(NativeLevel.class);
            for (NativeLevel l : NativeLibrary.status().levels()) {
                m.put(l, new NativeInt8Kernels(l));
            }
            return Collections.unmodifiableMap(m);
        }
    }

    /** The JVM-wide choice, made and logged exactly once on first use. */
    private static final class Chosen {
        static final KernelSet KERNELS;
        static final RuntimeException FAILURE;

        static {
            KernelSet kernels = null;
            RuntimeException failure = null;
            try {
                Selection selection = select(System.getProperty(PROPERTY), vectorModulePresent(),
                        () -> Panama.KERNELS.orElseGet(KernelProvider::loadPanama),
                        () -> nativeAt(System.getProperty(LEVEL_PROPERTY), nativeLevels(), nativeUnavailableReason(),
                                Native.KERNELS::get));
                selection.warning().ifPresent(w -> LOG.log(System.Logger.Level.WARNING, w));
                kernels = selection.kernels();
                // The CPU line only when the native library was asked for anyway (never loaded for java/panama).
                String cpu = kernels.int8() instanceof NativeInt8Kernels ? NativeLibrary.status().cpu() : "";
                LOG.log(System.Logger.Level.INFO, "quant-core kernels: float {0}, int8 {1}{2}; override with -D{3}="
                        + "java|panama|native|auto, -D{4}=avx512vnni|avxvnni|avx2|auto", kernels.floats().name(),
                        kernels.int8().name(), cpu.isEmpty() ? "" : " (CPU: " + cpu + ")", PROPERTY, LEVEL_PROPERTY);
            } catch (RuntimeException e) {
                failure = e;
                LOG.log(System.Logger.Level.ERROR, e.getMessage());
            }
            KERNELS = kernels;
            FAILURE = failure;
        }
    }
}
