package dev.chorus.engine.testsupport;

import java.lang.reflect.AnnotatedElement;
import java.util.Optional;
import net.jqwik.api.lifecycle.AroundContainerHook;
import net.jqwik.api.lifecycle.ContainerLifecycleContext;
import net.jqwik.api.lifecycle.PropagationMode;

/** The jqwik twin of {@link LeakCheckExtension}: fails a property class when Netty reported a leak by its end. */
public final class LeakCheckHook implements AroundContainerHook {
    @Override
    public PropagationMode propagateTo() {
        return PropagationMode.ALL_DESCENDANTS;
    }

    @Override
    public boolean appliesTo(Optional<AnnotatedElement> element) {
        return element.map(Class.class::isInstance).orElse(false);
    }

    @Override
    public void afterContainer(ContainerLifecycleContext context) {
        LeakDetection.assertNoLeaks(context.label());
    }
}
