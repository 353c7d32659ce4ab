// A hardware shop's menu. "tools" are things on sale; tool() formats a label.
class Tool {
  constructor(public name: string, public price: number) {}
}

export function tool(name: string): string {
  return name.toUpperCase();
}

export const menu = {
  tools: [new Tool('hammer', 12), new Tool('saw', 20)],
  label: tool('drill'),
};
