import {
  registerDecorator,
  type ValidationArguments,
  type ValidationOptions,
} from 'class-validator';

/**
 * The decorated field may not come together with `other`: for requests that take one of two
 * shapes (text or texts). Pair it with a ValidateIf on the field, so it runs only when given.
 */
export function ExclusiveWith(other: string, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'exclusiveWith',
      target: target.constructor,
      propertyName: propertyName.toString(),
      constraints: [other],
      options,
      validator: {
        validate(value: unknown, args: ValidationArguments): boolean {
          const [field] = args.constraints as [string];
          return (
            value === undefined || (args.object as Record<string, unknown>)[field] === undefined
          );
        },
      },
    });
  };
}
