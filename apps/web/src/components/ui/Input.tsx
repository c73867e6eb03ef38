import type { InputHTMLAttributes, Ref } from 'react';
import { cn } from './cn.ts';

export interface InputProps extends InputHTMLAttributes<HTMLInputElement> {
  ref?: Ref<HTMLInputElement>;
}

export const inputClass =
  'focus-ring block h-11 w-full rounded-xl border border-line-strong bg-app px-3.5 text-base text-fg sm:text-[15px] placeholder:text-faint transition-colors hover:border-faint focus:border-accent aria-invalid:border-danger disabled:opacity-60';

export function Input({ className, ...props }: InputProps) {
  return <input className={cn(inputClass, className)} {...props} />;
}
