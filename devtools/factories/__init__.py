"""The factories that build the portal's objects: one way to build each kind of object
(factory_boy) for the tests, the demo data (devtools/demo/) and the benchmarks, outside the
product and its wheel."""


def ensure(factory, *, lookup: dict, update: bool = False, **fields):
    """(object, created): the object that `lookup` finds, else a new one that `factory` builds
    from lookup and fields, so that seeding the demo twice changes nothing. With update=True an
    existing object takes `fields` too, saved through save() (so its signals and edit history
    run) only when a value differs."""
    model = factory._meta.model
    existing = model.objects.filter(**lookup).first()
    if existing is None:
        return factory(**lookup, **fields), True
    if not update:
        return existing, False
    changed = [name for name, value in fields.items() if getattr(existing, name) != value]
    if changed:
        for name in changed:
            setattr(existing, name, fields[name])
        existing.save()
    return existing, False
