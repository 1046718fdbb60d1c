package org.quantlake.core.kernels;

import java.lang.reflect.InvocationTargetException;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Picks the kernel implementation once per JVM, for the {@link FloatKernels} and {@link Int8Kernels} together: the
 * Vector API kernels when the {@code jdk.incubator.vector} module is present, otherwise the plain-Java ones with a
 * single logged warning.
 *
 * <p>The system property {@value #PROPERTY} forces the choice: {@code java}, {@code panama} or {@code auto} (the
 * default). Forcing {@code panama} where it cannot load is an error, not a silent fallback.
 */
public final class KernelProvider {

    /** System property that forces the implementation: {@code java}, {@code panama} or {@code auto}. */
    public static final String PROPERTY = "quantlake.kernels";

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
     * @throws IllegalArgumentException on an unknown value
     * @throws IllegalStateException    when {@code panama} is requested but cannot be loaded
     */
    static Selection select(String requested, boolean vectorModulePresent, Supplier<KernelSet> loadPanama) {
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
            case "auto":
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
            default:
                throw new IllegalArgumentException(
                        PROPERTY + " must be one of java, panama, auto; got '" + requested + "'");
        }
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

    /** The JVM-wide choice, made and logged exactly once on first use. */
    private static final class Chosen {
        static final KernelSet KERNELS;
        static final RuntimeException FAILURE;

        static {
            KernelSet kernels = null;
            RuntimeException failure = null;
            try {
                Selection selection = select(System.getProperty(PROPERTY), vectorModulePresent(),
                        () -> Panama.KERNELS.orElseGet(KernelProvider::loadPanama));
                selection.warning().ifPresent(w -> LOG.log(System.Logger.Level.WARNING, w));
                kernels = selection.kernels();
                LOG.log(System.Logger.Level.INFO, "quant-core kernels: {0} ({1}, {2}); override with -D{3}="
                        + "java|panama|auto", kernels.floats().name(), kernels.floats().getClass().getSimpleName(),
                        kernels.int8().getClass().getSimpleName(), PROPERTY);
            } catch (RuntimeException e) {
                failure = e;
                LOG.log(System.Logger.Level.ERROR, e.getMessage());
            }
            KERNELS = kernels;
            FAILURE = failure;
        }
    }
}
